/// Why an upstream's response could not be read. After any of them the connection is closed:
/// where this response ends, and so where a next one would start, is no longer known.
public enum ResponseParseError: Error, Sendable, Hashable {
    case invalidStatusLine
    /// Not HTTP/1.0 or HTTP/1.1.
    case unsupportedVersion
    case invalidFieldLine
    /// The head is longer than the client accepts.
    case headTooLarge
    case tooManyFields
    case invalidContentLength
    /// A transfer coding other than a final `chunked`, which the client cannot undo.
    case unsupportedTransferCoding
    /// 101 Switching Protocols: the client asked for no upgrade.
    case unexpectedUpgrade

    /// What was wrong, in words for a problem's `detail` or a log (never the case's name).
    public var detail: String {
        switch self {
        case .invalidStatusLine: "a malformed status line"
        case .unsupportedVersion: "an HTTP version other than 1.0 and 1.1"
        case .invalidFieldLine: "a malformed header line"
        case .headTooLarge: "a header section larger than the gateway reads"
        case .tooManyFields: "more header fields than the gateway reads"
        case .invalidContentLength: "a malformed Content-Length, or several that differ"
        case .unsupportedTransferCoding: "a transfer coding other than chunked"
        case .unexpectedUpgrade: "a switch of protocols nobody asked for"
        }
    }
}

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
}

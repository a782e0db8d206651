/// Why a request was refused while parsing. Each case fixes the status the server answers with,
/// and after any of them the connection is closed: framing can no longer be trusted.
public enum HTTPParseError: Error, Sendable, Hashable, CaseIterable {
    // Request line (400 unless noted).
    case tooManyEmptyLines
    case invalidMethod
    /// A method longer than any registered one (`maxMethodLength`): 501 (RFC 9112 §3).
    case methodTooLong
    case invalidTarget
    /// A `%` in the target not followed by two hexadecimal digits (RFC 3986 §2.1).
    case invalidPercentEncoding
    /// Two spaces where the request line has one, or a space after the version.
    case extraSpaceInRequestLine
    case missingVersion
    case invalidVersion
    /// HTTP/2 and later, or 0.x, on an HTTP/1 connection: 505.
    case unsupportedVersion
    /// 414.
    case requestLineTooLong
    // Line endings.
    case bareLineFeed
    case bareCarriageReturn
    // Field lines (400 unless noted).
    case obsoleteLineFolding
    case invalidFieldName
    case whitespaceBeforeColon
    case missingColon
    case invalidFieldValue
    /// 431.
    case fieldLineTooLong
    /// 431.
    case headerBlockTooLarge
    /// 431.
    case tooManyFields
    // Semantics of the head.
    case missingHost
    case duplicateHost
    case invalidHost
    case invalidContentLength
    case conflictingContentLength
    case contentLengthWithTransferEncoding
    case transferEncodingInHTTP10
    case invalidTransferEncoding
    /// A coding other than chunked: 501.
    case unsupportedTransferCoding
    /// An Expect other than 100-continue: 417.
    case unsupportedExpectation
    /// Declared or decoded body over the limit: 413.
    case bodyTooLarge
    // Chunked framing (400 unless noted).
    case invalidChunkSize
    case invalidChunkExtension
    case chunkLineTooLong
    /// Far more chunk framing (sizes, extensions, line ends) than data: many tiny chunks with
    /// long extensions, which cost the server work per byte for no body.
    case excessiveChunkFraming
    case invalidChunkFraming
    case invalidTrailer
    /// 431.
    case trailersTooLarge

    /// The status code the server answers this error with.
    public var status: HTTPStatus {
        switch self {
        case .unsupportedVersion: .httpVersionNotSupported
        case .requestLineTooLong: .uriTooLong
        case .fieldLineTooLong, .headerBlockTooLarge, .tooManyFields, .trailersTooLarge: .requestHeaderFieldsTooLarge
        case .unsupportedTransferCoding, .methodTooLong: .notImplemented
        case .unsupportedExpectation: .expectationFailed
        case .bodyTooLarge: .contentTooLarge
        default: .badRequest
        }
    }

    /// A short sentence for the problem document's `detail`, naming what was wrong.
    public var detail: String {
        switch self {
        case .tooManyEmptyLines: "Too many empty lines before the request line."
        case .invalidMethod: "The request method is not a valid token."
        case .methodTooLong: "The request method is longer than any method the server implements."
        case .invalidTarget: "The request target is malformed: a path (or absolute URL) of visible ASCII characters is expected; percent-encode anything else (spaces, quotes, non-ASCII text such as …)."
        case .invalidPercentEncoding: "The request target has a malformed percent-escape: '%' must be followed by two hexadecimal digits (a '%' itself is written '%25')."
        case .extraSpaceInRequestLine: "The request line has a space too many: it is the method, one space, the target, one space and the HTTP version (a space inside the target is written %20)."
        case .missingVersion: "The request line has no HTTP version (HTTP/0.9 is not supported)."
        case .invalidVersion: "The HTTP version is malformed."
        case .unsupportedVersion: "Only HTTP/1.0 and HTTP/1.1 are supported on this connection."
        case .requestLineTooLong: "The request line is longer than the server accepts."
        case .bareLineFeed: "Lines must end with CRLF; a bare LF was received."
        case .bareCarriageReturn: "A CR not followed by LF was received."
        case .obsoleteLineFolding: "A header line starts with whitespace: obsolete line folding, or whitespace after the request line, is not accepted."
        case .invalidFieldName: "A header field name is empty or contains an invalid character."
        case .whitespaceBeforeColon: "Whitespace between a header field name and the colon is not allowed."
        case .missingColon: "A header line has no colon."
        case .invalidFieldValue: "A header field value contains an invalid character."
        case .fieldLineTooLong: "A header field line is longer than the server accepts."
        case .headerBlockTooLarge: "The header section is larger than the server accepts."
        case .tooManyFields: "The request has more header fields than the server accepts."
        case .missingHost: "An HTTP/1.1 request must carry exactly one Host header; it is missing."
        case .duplicateHost: "A request may carry one Host header at most; several were sent."
        case .invalidHost: "The Host header is malformed."
        case .invalidContentLength: "Content-Length must be a non-negative decimal integer."
        case .conflictingContentLength: "Content-Length was given with differing values."
        case .contentLengthWithTransferEncoding: "A request may not carry both Content-Length and Transfer-Encoding."
        case .transferEncodingInHTTP10: "Transfer-Encoding is not allowed in an HTTP/1.0 request."
        case .invalidTransferEncoding: "Transfer-Encoding must end with chunked, exactly once."
        case .unsupportedTransferCoding: "Only the chunked transfer coding is implemented."
        case .unsupportedExpectation: "Only the 100-continue expectation is supported."
        case .bodyTooLarge: "The request body is larger than the server accepts."
        case .invalidChunkSize: "A chunk size is not a hexadecimal number."
        case .invalidChunkExtension: "A chunk extension is malformed."
        case .chunkLineTooLong: "A chunk-size line with its extensions is longer than the server accepts."
        case .excessiveChunkFraming: "The chunked body carries far more framing (chunk sizes and extensions) than data."
        case .invalidChunkFraming: "Chunk data is not followed by CRLF where its size says it ends."
        case .invalidTrailer: "A trailer field is malformed."
        case .trailersTooLarge: "The trailer section is larger than the server accepts."
        }
    }
}

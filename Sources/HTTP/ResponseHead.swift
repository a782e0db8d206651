/// The status line and header fields of an HTTP/1.x response, as an upstream client reads them,
/// with the two things the client must know before reading on: where the body ends, and whether
/// the connection may carry another request afterwards.
public struct ResponseHead: Sendable {
    /// How the body of a response is delimited (RFC 9112 §6.3).
    public enum Framing: Sendable, Equatable {
        /// No body: a 1xx, 204 or 304 status, or the answer to a HEAD request.
        case none
        /// `Content-Length` bytes.
        case length(Int)
        /// The chunked transfer coding.
        case chunked
        /// Everything up to the server closing the connection.
        case untilClose
    }

    /// The version of the status line: HTTP/1.0 or HTTP/1.1.
    public var version: HTTPVersion
    /// The three-digit status code.
    public var status: Int
    /// Field lines in order, names lower-cased, values without surrounding white space.
    public var fields: [(name: String, value: String)]
    /// Where the body ends; decided by the request's method as well as the fields.
    public var framing: Framing
    /// Whether the connection can be used again once this response's body has been read.
    public var keepAlive: Bool

    /// A head as the parser builds it; `fields` must already have lower-cased names.
    public init(version: HTTPVersion, status: Int, fields: [(name: String, value: String)], framing: Framing, keepAlive: Bool) {
        self.version = version
        self.status = status
        self.fields = fields
        self.framing = framing
        self.keepAlive = keepAlive
    }

    /// The value of the first field called `name` (lower case).
    public func field(_ name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    /// Whether a body may follow: not when the framing says none, nor a length of 0.
    public var mayHaveBody: Bool {
        switch framing {
        case .none, .length(0): false
        default: true
        }
    }

    /// A 1xx response: another head follows on the same connection.
    public var isInformational: Bool { (100..<200).contains(status) }
}

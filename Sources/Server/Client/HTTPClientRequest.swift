/// One request for `HTTPClient`: the client adds `Content-Length` (with a body, and always for
/// POST, PUT and PATCH) and, unless given, `Host`, `User-Agent` and `Accept-Encoding: identity`
/// (it decodes no content codings). Framing and connection fields given here are dropped.
public struct HTTPClientRequest: Sendable {
    /// The method token, sent as given (methods are case-sensitive).
    public var method: String
    /// The origin-form target, `/path?query`, already percent-encoded.
    public var target: [UInt8]
    /// Fields to send, in order; a name that is not a token or a value with a line break makes the
    /// call fail as `invalidRequest` before anything is sent.
    public var headers: [(name: String, value: String)]
    /// The content, sent with `Content-Length`; empty for none.
    public var body: [UInt8]
    /// Whether the request may be sent a second time, on a new connection, when a kept-alive
    /// connection turns out to have been closed by the server before any answer came (RFC 9112
    /// §9.3.1). Writes that must not be applied twice say false.
    public var isIdempotent: Bool

    /// A request as given; it is checked when `execute` encodes it, before any connection is made.
    public init(method: String, target: [UInt8], headers: [(name: String, value: String)] = [], body: [UInt8] = [],
                isIdempotent: Bool) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        self.isIdempotent = isIdempotent
    }
}

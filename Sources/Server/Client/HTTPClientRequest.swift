/// One request for `HTTPClient`: the client adds `Host`, `Content-Length`, and, unless given,
/// `User-Agent` and `Accept-Encoding: identity` (it decodes no content codings).
public struct HTTPClientRequest: Sendable {
    public var method: String
    /// The origin-form target, `/path?query`, already percent-encoded.
    public var target: [UInt8]
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Whether the request may be sent a second time, on a new connection, when a kept-alive
    /// connection turns out to have been closed by the server before any answer came (RFC 9112
    /// §9.3.1). Writes that must not be applied twice say false.
    public var isIdempotent: Bool

    public init(method: String, target: [UInt8], headers: [(name: String, value: String)] = [], body: [UInt8] = [],
                isIdempotent: Bool) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        self.isIdempotent = isIdempotent
    }
}

/// A complete response: status, fields and body bytes. The server adds the framing fields.
public struct HTTPResponse: Sendable {
    /// The status sent; one that forbids a body (1xx, 204, 304) goes out without `body`.
    public var status: HTTPStatus
    /// Fields to send; the framing fields are the server's and are ignored here.
    public var headers: HTTPHeaders
    /// The content, sent with `Content-Length`; left out for HEAD requests.
    public var body: [UInt8]

    /// A response as given; an empty 200 by default.
    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response whose body is `text` in UTF-8, with the given content type.
    public init(status: HTTPStatus = .ok, contentType: String, text: String) {
        self.init(status: status, headers: ["Content-Type": contentType], body: Array(text.utf8))
    }
}

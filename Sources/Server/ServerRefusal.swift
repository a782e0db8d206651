import HTTP

/// A request the server answers by itself instead of the responder: a malformed head, a body
/// over the limit, a request not received in time, or a responder that threw. The responder
/// chooses the response (`HTTPResponder.refusal(_:request:context:)`) so it can carry the same request
/// id, log line and metrics as every other answer.
public struct ServerRefusal: Sendable, Equatable {
    /// The status the refusal is answered with (400, 408, 413, 414, 431, 500, 501, 505…).
    public var status: HTTPStatus
    /// Stable machine-readable name (`invalid_request`, `payload_too_large`…); the problem's
    /// `type` is `/problems/<code>`.
    public var code: String
    /// One sentence for the client saying what was wrong.
    public var detail: String
    /// The request's method when the server read it but refused the rest of the head (nil when
    /// not read, or when the head was read: the responder is given the request then), so a
    /// refused `HEAD` can be logged as one, with no content sent.
    public var method: HTTPMethod?

    /// A refusal as given; `code` should be a problem code the responder documents.
    public init(status: HTTPStatus, code: String, detail: String) {
        self.status = status
        self.code = code
        self.detail = detail
    }

    /// The refusal for a request the parser rejected.
    public init(_ error: HTTPParseError) {
        self.init(status: error.status, code: ProblemResponse.code(for: error.status), detail: error.detail)
    }

    static let requestTimeout = ServerRefusal(status: .requestTimeout, code: "request_timeout",
                                              detail: "The request was not received in time.")
    static let internalError = ServerRefusal(status: .internalServerError, code: "internal_error",
                                             detail: "The server failed to handle the request.")
}

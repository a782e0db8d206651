import Server

/// An RFC 9457 problem document as the gateway renders it: the standard members plus `code`,
/// `request_id`, `retryable`, and where they apply `retry_after`, `errors` and `upstream`.
public struct Problem: Sendable, Equatable {
    /// What the upstream said, without any credential.
    public struct Upstream: Sendable, Equatable {
        /// The marketplace's identifier (`wildberries`, `ozon`).
        public var marketplace: String
        /// The upstream's HTTP status; nil when no answer came.
        public var status: Int?
        /// The upstream's own words, short, never a credential.
        public var message: String
    }

    /// The HTTP status of the response, also the document's `status`.
    public var status: Int
    /// Stable machine-readable name; `type` is `/problems/<code>`.
    public var code: String
    /// The problem type's one title (RFC 9457 §3.1.4): the same for every instance of `code`.
    public var title: String
    /// This occurrence explained for the client, in a sentence or two.
    public var detail: String
    /// Whether the same request may succeed later, sent as it is; rendered as `retryable`.
    public var retryable: Bool
    /// Rendered as `retry_after` (whole seconds, rounded up) and as the `Retry-After` field.
    public var retryAfter: Duration?
    /// Field-level errors, for `invalid_request`; at most `maxErrors` are rendered.
    public var errors: [FieldError]
    /// The marketplace's answer, when the problem is one.
    public var upstream: Upstream?
    /// Extra response fields the status requires (`Allow`, `WWW-Authenticate`).
    public var headers: [(String, String)]

    /// A problem with every member given. `Problem(_:)` from a `GatewayError` or `ConnectorError`
    /// keeps status, code and title consistent; use this one for codes of your own.
    public init(status: Int, code: String, title: String, detail: String, retryable: Bool = false,
                retryAfter: Duration? = nil, errors: [FieldError] = [], upstream: Upstream? = nil,
                headers: [(String, String)] = []) {
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.retryable = retryable
        self.retryAfter = retryAfter
        self.errors = errors
        self.upstream = upstream
        self.headers = headers
    }

    public static func == (a: Problem, b: Problem) -> Bool {
        a.status == b.status && a.code == b.code && a.title == b.title && a.detail == b.detail
            && a.retryable == b.retryable && a.retryAfter == b.retryAfter && a.errors == b.errors
            && a.upstream == b.upstream && a.headers.elementsEqual(b.headers, by: ==)
    }

    /// Whole seconds to wait, rounded up, at least 1 when there is any wait at all.
    public var retryAfterSeconds: Int? {
        guard let retryAfter else { return nil }
        return retryAfter.secondsToWait
    }

    /// Field errors a document lists at most.
    public static let maxErrors = 50

    /// Titles of the problem types both the server core (refusing a request it cannot read) and
    /// the gateway produce: one type, one title (RFC 9457 §3.1.4), whichever layer answers.
    static let invalidRequestTitle = ProblemResponse.title(code: "invalid_request", status: .badRequest)
    /// The row of a marketplace failure, which a write that may have applied is answered with too.
    static let upstreamErrorTitle = "Upstream error"

    static let internalError = Problem(status: 500, code: "internal_error", title: "Internal Server Error",
                                       detail: "The gateway failed to handle the request. Quote the request id when reporting it.")
}

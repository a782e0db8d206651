/// One HTTP request to an upstream API, relative to the upstream client's base URL. Built by a
/// marketplace connector, sent (and perhaps retried) by `UpstreamCaller`.
public struct UpstreamRequest: Sendable {
    /// Whether sending the request twice can do harm: decides which failures may be retried.
    public enum Safety: Sendable, Equatable {
        /// Reads, and writes the upstream applies at most once: retried after any transient failure.
        case idempotent
        /// Writes (a reply, a message): retried only when the upstream cannot have applied them:
        /// connection refused, 429, an answer the marketplace says it did not act on (its
        /// maintenance page; `UpstreamErrorClassifier.saysNotApplied`).
        case nonIdempotent
    }

    /// The HTTP method, upper-case (`GET`, `POST`, `PATCH`).
    public var method: String
    /// Path starting with `/`, without the query.
    public var path: String
    /// Query parameters, in order, not yet percent-encoded.
    public var query: [(name: String, value: String)]
    /// Header fields besides those the client adds itself (credentials come from the connector).
    public var headers: [(name: String, value: String)]
    /// The body as sent; nil for none. Bytes, not `Data`: the loop's client copies them into its
    /// output as they are, and only the URLSession client needs Foundation's type.
    public var body: [UInt8]?
    /// Whether the request may be sent twice; decides which failures `UpstreamCaller` retries.
    public var safety: Safety
    /// A stable label for logs and metrics, e.g. `feedbacks.list`.
    public var operation: String

    /// A request as given; `UpstreamRequest.json` sets the body and its media type together.
    public init(method: String, path: String, query: [(name: String, value: String)] = [],
                headers: [(name: String, value: String)] = [], body: [UInt8]? = nil,
                safety: Safety, operation: String) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.safety = safety
        self.operation = operation
    }

    /// A JSON request: sets the body and `Content-Type: application/json`.
    public static func json(_ method: String, _ path: String, body: [UInt8], safety: Safety, operation: String,
                            headers: [(name: String, value: String)] = []) -> UpstreamRequest {
        UpstreamRequest(method: method, path: path, headers: headers + [("Content-Type", "application/json")],
                        body: body, safety: safety, operation: operation)
    }
}

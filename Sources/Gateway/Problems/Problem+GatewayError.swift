import HTTP

extension Problem {
    /// The row of DESIGN.md §5 for a failure the gateway found itself, with the fields its status
    /// requires (`WWW-Authenticate`, `Allow`, `Retry-After`).
    public init(_ error: GatewayError) {
        switch error {
        case .invalidRequest(let detail, let errors):
            self.init(status: 400, code: "invalid_request", title: Problem.invalidRequestTitle, detail: detail, errors: errors)
        case .unauthorized(let detail):
            self.init(status: 401, code: "unauthorized", title: "Unauthorized", detail: detail,
                      headers: [("WWW-Authenticate", "Bearer realm=\"connector-gateway\"")])
        case .notFound(let path):
            self.init(status: 404, code: "not_found", title: "Not Found",
                      detail: "No resource at \(path.prefix(200)). GET /connectors lists what this gateway serves.")
        case .methodNotAllowed(let method, let allow) where allow.isEmpty:
            // RFC 9110 §10.2.1: an empty `Allow` says the target allows no method at all.
            self.init(status: 405, code: "method_not_allowed", title: "Method Not Allowed",
                      detail: "\(method.prefix(RequestHeadParser.maxMethodLength)) is not served: this gateway is not a proxy and opens no tunnels.",
                      headers: [("Allow", "")])
        case .methodNotAllowed(let method, let allow):
            self.init(status: 405, code: "method_not_allowed", title: "Method Not Allowed",
                      detail: "\(method.prefix(RequestHeadParser.maxMethodLength)) is not allowed here; allowed: \(allow.joined(separator: ", ")).",
                      headers: [("Allow", allow.joined(separator: ", "))])
        case .idempotencyConflict:
            self.init(status: 409, code: "idempotency_conflict", title: "Idempotency key in use",
                      detail: "A request with this Idempotency-Key is still being processed; retry when it has finished.",
                      retryable: true, retryAfter: .seconds(1))
        case .idempotencyMismatch:
            self.init(status: 422, code: "idempotency_mismatch", title: "Idempotency key reused",
                      detail: "This Idempotency-Key was used with a different request; use a new key for a new request.")
        case .unsupportedMediaType(let received):
            // `curl -d` labels its body form-encoded: the commonest way to get here, so say the fix.
            let formEncoded = received.map { $0.lowercased().hasPrefix("application/x-www-form-urlencoded") } ?? false
            self.init(status: 415, code: "unsupported_media_type", title: "Unsupported Media Type",
                      detail: "The body must be application/json\(received.map { ", not \($0.prefix(100))" } ?? "")."
                        + (formEncoded ? " (curl -d sends that; add -H 'Content-Type: application/json'.)" : ""),
                      headers: [("Accept-Post", "application/json")])
        case .unsupportedContentEncoding(let received):
            // RFC 9110 §15.5.16: a content coding the server does not accept is 415, with the
            // codings it does accept in Accept-Encoding.
            self.init(status: 415, code: "unsupported_media_type", title: "Unsupported Media Type",
                      detail: "The body must be sent without a content coding, not \(received.prefix(100)).",
                      headers: [("Accept-Encoding", "identity"), ("Accept-Post", "application/json")])
        case .unsupportedCharset(let received):
            self.init(status: 415, code: "unsupported_media_type", title: "Unsupported Media Type",
                      detail: "JSON bodies are UTF-8 (RFC 8259 §8.1), not \(received.prefix(40)): send the text as UTF-8, with charset=utf-8 or none.",
                      headers: [("Accept-Post", "application/json")])
        case .rateLimited(let retryAfter):
            self.init(status: 429, code: "rate_limited", title: "Too Many Requests",
                      detail: "This API key has used its request rate; slow down.", retryable: true, retryAfter: retryAfter)
        case .preconditionFailed(let resourceHasTags):
            self.init(status: 412, code: "precondition_failed", title: "Precondition Failed",
                      detail: resourceHasTags
                          ? "If-Match names no current version of this resource: fetch it again for its ETag."
                          : "This resource has no entity tags (no ETag), so no If-Match but \"*\" can hold: the request was not carried out. Send it without If-Match.")
        }
    }
}

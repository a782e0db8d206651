import Connectors

extension Problem {
    /// The row of DESIGN.md §5 for a connector failure. Upstream messages are passed on (they
    /// describe the request, never our credentials); our own internals never are.
    public init(_ error: ConnectorError) {
        switch error {
        case .unknownConnector(let key):
            // The names come from the path: echoed only as far as any real one could be long.
            func shown(_ name: String) -> String { name.count > 64 ? name.prefix(64) + "…" : name }
            self.init(status: 404, code: "unknown_connector", title: "Unknown connector",
                      detail: "No connector for \(shown(key.marketplace.rawValue))/\(shown(key.channel.rawValue)). GET /connectors lists them.")
        case .credentialsMissing(let marketplace, let missing):
            self.init(status: 403, code: "connector_not_configured", title: "Connector not configured",
                      detail: "This tenant has no \(marketplace) credentials"
                        + (missing.isEmpty ? "." : " (missing: \(missing.joined(separator: ", "))).")
                        + " Add them to the gateway configuration.")
        case .operationNotSupported(let key, let operation):
            self.init(status: 501, code: "operation_not_supported", title: "Operation not supported",
                      detail: "\(key.marketplace)/\(key.channel) does not support \(operation.rawValue).")
        case .itemNotFound(let id):
            self.init(status: 404, code: "item_not_found", title: "Item not found",
                      detail: "The upstream has no item \(id.prefix(200)).")
        case .malformedItemID(let id, let shape):
            // The same row as an id the upstream does not know: no item has it. Not asked upstream.
            self.init(status: 404, code: "item_not_found", title: "Item not found",
                      detail: "No item has the id \(id.prefix(200)): this connector's ids are \(shape).")
        case .invalidRequest(let field, let reason):
            // A field's message says what is wrong with it, as the gateway's own do ("must be …"):
            // a reason that starts with the field's name has it once, in `field`.
            self.init(status: 400, code: "invalid_request", title: Problem.invalidRequestTitle, detail: reason,
                      errors: field.map { field in
                          [FieldError(field, reason.hasPrefix(field + " ") ? String(reason.dropFirst(field.count + 1)) : reason)]
                      } ?? [])
        case .upstreamAuthFailed(let failure) where failure.lacksEntitlement:
            // The credentials are good; the account lacks a subscription, a signed offer or a
            // payment. Checking the credentials would send the operator the wrong way.
            self.init(status: 502, code: "upstream_auth_failed", title: "Upstream refused access",
                      detail: "\(failure.marketplace) took this tenant's credentials but does not serve this to the account: a subscription, a signed offer or a payment is missing (its words: upstream.message).",
                      upstream: Upstream(failure))
        case .upstreamAuthFailed(let failure) where failure.status == nil:
            // Refused before any call: the credentials cannot serve this (a Wildberries base
            // token's pace), which the message says. No upstream answered, so no `upstream`.
            self.init(status: 502, code: "upstream_auth_failed", title: "Upstream refused access",
                      detail: "Not sent: \(failure.message).")
        case .upstreamAuthFailed(let failure):
            self.init(status: 502, code: "upstream_auth_failed", title: "Upstream refused access",
                      detail: "\(failure.marketplace) refused this tenant's credentials; check them in the configuration.",
                      upstream: Upstream(failure))
        case .upstreamRejected(let failure):
            self.init(status: 422, code: "upstream_rejected", title: "Upstream rejected the request",
                      detail: "\(failure.marketplace) refused the content: \(failure.message)", upstream: Upstream(failure))
        case .upstreamRateLimited(let retryAfter, let failure):
            self.init(status: 429, code: "upstream_rate_limited", title: "Upstream rate limit",
                      detail: "The marketplace's rate limit for this tenant is spent; retry later.",
                      retryable: true, retryAfter: retryAfter ?? .seconds(1), upstream: failure.map(Upstream.init))
        case .upstreamUnavailable(let retryAfter, let failure):
            self.init(status: 503, code: "upstream_unavailable", title: "Upstream unavailable",
                      detail: failure?.message ?? "The marketplace is unavailable; retry later.",
                      retryable: true, retryAfter: retryAfter ?? .seconds(30), upstream: failure.map(Upstream.init))
        case .upstreamTimeout(let failure):
            self.init(status: 504, code: "upstream_timeout", title: "Upstream timeout",
                      detail: failure?.message ?? "The marketplace did not answer in time.",
                      retryable: true, upstream: failure.map(Upstream.init))
        case .upstreamError(let failure):
            self.init(status: 502, code: "upstream_error", title: Problem.upstreamErrorTitle,
                      detail: "\(failure.marketplace) failed: \(failure.message)", retryable: error.isRetryable,
                      upstream: Upstream(failure))
        }
    }
}

extension Problem.Upstream {
    init(_ failure: UpstreamFailure) {
        self.init(marketplace: failure.marketplace.rawValue, status: failure.status, message: failure.message)
    }
}

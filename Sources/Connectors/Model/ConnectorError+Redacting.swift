extension ConnectorError {
    /// The error with every occurrence of `secrets` (a tenant's credentials) in the upstream's
    /// words replaced: a marketplace may quote the key it refused ("Api-Key … is invalid"), and
    /// what it says reaches the client in `detail` and `upstream.message`.
    public func redacting(_ secrets: [String]) -> ConnectorError {
        let secrets = secrets.filter { $0.count >= Self.shortestRedacted }
        guard !secrets.isEmpty else { return self }
        func clean(_ text: String) -> String {
            secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "[redacted]") }
        }
        func clean(_ failure: UpstreamFailure) -> UpstreamFailure {
            var failure = failure
            failure.message = clean(failure.message)
            return failure
        }
        switch self {
        case .invalidRequest(let field, let reason): return .invalidRequest(field: field, reason: clean(reason))
        case .upstreamAuthFailed(let failure): return .upstreamAuthFailed(clean(failure))
        case .upstreamRejected(let failure): return .upstreamRejected(clean(failure))
        case .upstreamRateLimited(let wait, let failure): return .upstreamRateLimited(retryAfter: wait, failure.map(clean))
        case .upstreamUnavailable(let wait, let failure): return .upstreamUnavailable(retryAfter: wait, failure.map(clean))
        case .upstreamTimeout(let failure): return .upstreamTimeout(failure.map(clean))
        case .upstreamError(let failure): return .upstreamError(clean(failure))
        case .unknownConnector, .credentialsMissing, .operationNotSupported, .itemNotFound: return self
        }
    }

    /// Shorter values (an Ozon Client-Id is a few digits, and not secret) would blank out
    /// ordinary numbers and words.
    static let shortestRedacted = 8
}

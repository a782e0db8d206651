@testable import Connectors

/// A marketplace-neutral reading of statuses, the way the real classifiers map them: 2xx is
/// success, 400 invalid, 401/403 auth, 404 not found, 422 rejected, 429 rate limited, 5xx an
/// upstream error (503 as unavailable when `unavailableOn503`).
struct StatusClassifier: UpstreamErrorClassifier {
    var marketplace: Marketplace = .wildberries
    var unavailableOn503 = false

    func classify(_ response: UpstreamResponse, for request: UpstreamRequest) -> ConnectorError? {
        let failure = UpstreamFailure(marketplace: marketplace, status: response.status, message: response.errorMessage())
        switch response.status {
        case 200..<300: return nil
        case 400: return .invalidRequest(field: nil, reason: failure.message)
        case 401, 403: return .upstreamAuthFailed(failure)
        case 404: return .itemNotFound(id: request.path)
        case 422: return .upstreamRejected(failure)
        case 429: return .upstreamRateLimited(retryAfter: nil, failure)
        case 503 where unavailableOn503: return .upstreamUnavailable(retryAfter: nil, failure)
        default: return .upstreamError(failure)
        }
    }

    /// The maintenance 503 when `unavailableOn503`, as Wildberries' maintenance page.
    func saysNotApplied(_ response: UpstreamResponse) -> Bool {
        unavailableOn503 && response.status == 503
    }
}

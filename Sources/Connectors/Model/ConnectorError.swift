/// Every failure a connector reports, each carrying what the gateway needs to answer the caller
/// (DESIGN.md §5) and never a credential. Upstream messages are kept short and are the
/// upstream's words about the request, not about our secrets.
public enum ConnectorError: Error, Sendable, Equatable {
    /// No connector is registered for this (marketplace, channel).
    case unknownConnector(ConnectorKey)
    /// The tenant has no credentials for the marketplace, or lacks a field the connector needs.
    case credentialsMissing(Marketplace, missing: [String])
    /// The connector does not offer this operation (e.g. mark-read on Wildberries reviews).
    case operationNotSupported(ConnectorKey, ConnectorOperation)
    /// The upstream has no item with this id.
    case itemNotFound(id: String)
    /// No item can have this id: it is not of the form the marketplace gives such ids. Answered
    /// as not found, without asking the upstream.
    case malformedItemID(id: String, shape: ItemIDShape)
    /// The request cannot be sent as it is (bad cursor, text out of bounds, bad filter).
    case invalidRequest(field: String?, reason: String)
    /// The upstream refused the tenant's marketplace credentials (401/403, Ozon 404 code 5).
    case upstreamAuthFailed(UpstreamFailure)
    /// The upstream refused the content (already answered, too long, moderation).
    case upstreamRejected(UpstreamFailure)
    /// Still rate-limited after the retry budget, or the caller's deadline is too short to wait.
    case upstreamRateLimited(retryAfter: Duration?, UpstreamFailure?)
    /// The circuit for this upstream host is open, or the upstream announced maintenance.
    case upstreamUnavailable(retryAfter: Duration?, UpstreamFailure?)
    /// The upstream did not answer within the deadline.
    case upstreamTimeout(UpstreamFailure?)
    /// The upstream failed (5xx, a broken connection) or answered something we cannot use
    /// (a 2xx we cannot read or act on, a 4xx refusing a request the gateway built): then the
    /// same call would get the same answer.
    case upstreamError(UpstreamFailure)

    /// Whether the same call may succeed if tried again later: not when the upstream refused it
    /// for what it is, nor when it answered with something the connector cannot use (an
    /// `upstreamError` with a status below 500 other than 408, 425 and 429, which say "later").
    public var isRetryable: Bool {
        switch self {
        case .upstreamRateLimited, .upstreamUnavailable, .upstreamTimeout: true
        case .upstreamError(let failure):
            !failure.isLasting && (failure.status.map { $0 >= 500 || UpstreamFailure.saysLater($0) } ?? true)
        default: false
        }
    }
}

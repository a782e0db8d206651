/// State shared by all channels of one marketplace for one tenant: typically the upstream HTTP
/// client (its connection pool), the rate budgets of the tenant's credential, circuit breakers.
public protocol MarketplaceSession: Sendable {
    /// The marketplace whose channels share this session.
    var marketplace: Marketplace { get }
    /// The upstream hosts this session calls, for `channel`, with their circuit and budget.
    func upstreams(for channel: Channel) -> [UpstreamHealth]
}

extension MarketplaceSession {
    /// Default for sessions that report nothing: no upstreams, so the descriptor shows an empty list.
    public func upstreams(for channel: Channel) -> [UpstreamHealth] { [] }
}

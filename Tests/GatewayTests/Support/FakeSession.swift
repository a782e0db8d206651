import Connectors

/// A session that has nothing to share, in front of one made-up host per marketplace.
struct FakeSession: MarketplaceSession {
    let marketplace: Marketplace

    func upstreams(for channel: Channel) -> [UpstreamHealth] {
        [UpstreamHealth(host: "\(marketplace.rawValue).example", circuit: .closed, budgetAvailable: 3, budgetBurst: 3, budgetInterval: .milliseconds(250))]
    }
}

import Connectors

extension OzonSession {
    /// Every channel goes to the one Seller host, under the Client-Id's budget.
    public func upstreams(for channel: Channel) -> [UpstreamHealth] {
        [UpstreamHealth(caller)]
    }
}

import Connectors

extension WildberriesSession {
    /// Reviews and questions go to the feedbacks host; chats to the buyer-chat host.
    public func upstreams(for channel: Channel) -> [UpstreamHealth] {
        [UpstreamHealth(channel == .chat ? chat : feedbacks)]
    }
}

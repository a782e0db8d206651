import Connectors

/// Registers the Wildberries connectors — review, question, chat — and the per-tenant session
/// they share (`WildberriesSession`), with the tenant's `token`, over the two hosts every tenant
/// shares (circuit breaker, per-seller rate budgets: `WildberriesHost`).
public enum WildberriesConnectors {
    /// Registers the session factory and the three connectors; `endpoints` points them at
    /// production or at a simulator, `options` tunes limits, retries and caps (tests shrink them).
    public static func register(in registry: ConnectorRegistry, endpoints: MarketplaceEndpoints,
                                options: WildberriesOptions = WildberriesOptions()) {
        let hosts = (feedbacks: WildberriesHost(baseURL: endpoints.wildberriesFeedbacks, limit: options.feedbacksRateLimit,
                                                baseTokenLimit: options.feedbacksBaseTokenRateLimit, options: options),
                     chat: WildberriesHost(baseURL: endpoints.wildberriesChat, limit: options.chatRateLimit,
                                           baseTokenLimit: options.chatBaseTokenRateLimit, options: options))
        registry.register(marketplace: .wildberries) { credentials throws(ConnectorError) in
            try WildberriesSession(credentials: credentials, options: options, hosts: hosts)
        }
        register(registry, .review, WildberriesReviewConnector.supported, WildberriesLimits.feedbackAnswer, .token, replaces: true) {
            WildberriesReviewConnector(session: $0)
        }
        register(registry, .question, WildberriesQuestionConnector.supported, WildberriesLimits.questionAnswer, .token, replaces: true) {
            WildberriesQuestionConnector(session: $0)
        }
        register(registry, .chat, WildberriesChatConnector.supported, WildberriesLimits.chatMessage, .versionedUUID) {
            WildberriesChatConnector(session: $0)
        }
    }

    private static func register(_ registry: ConnectorRegistry, _ channel: Channel, _ operations: Set<ConnectorOperation>,
                                 _ replyLength: ClosedRange<Int>, _ idShape: ItemIDShape, replaces: Bool = false,
                                 _ make: @escaping @Sendable (WildberriesSession) -> any ChannelConnector) {
        let key = ConnectorKey(.wildberries, channel)
        registry.register(.init(key: key, operations: operations, requiredCredentials: ["token"],
                                replyLength: replyLength, replyReplaces: replaces, itemIDShape: idShape) { session, _ throws(ConnectorError) in
            guard let session = session as? WildberriesSession else { throw .unknownConnector(key) }
            return make(session)
        })
    }
}

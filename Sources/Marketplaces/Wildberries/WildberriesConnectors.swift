import Connectors

/// Registers the Wildberries connectors — review, question, chat — and the per-tenant session
/// they share (`WildberriesSession`), with the tenant's `token` and its seller's rate budgets.
public enum WildberriesConnectors {
    /// Registers the session factory and the three connectors; `endpoints` points them at
    /// production or at a simulator, `options` tunes limits, retries and caps (tests shrink them).
    public static func register(in registry: ConnectorRegistry, endpoints: MarketplaceEndpoints,
                                options: WildberriesOptions = WildberriesOptions()) {
        let budgets = (feedbacks: RateBudgets(limit: options.feedbacksRateLimit, clock: options.clock),
                       chat: RateBudgets(limit: options.chatRateLimit, clock: options.clock))
        registry.register(marketplace: .wildberries) { credentials throws(ConnectorError) in
            try WildberriesSession(credentials: credentials, endpoints: endpoints, options: options, budgets: budgets)
        }
        register(registry, .review, WildberriesReviewConnector.supported) { WildberriesReviewConnector(session: $0) }
        register(registry, .question, WildberriesQuestionConnector.supported) { WildberriesQuestionConnector(session: $0) }
        register(registry, .chat, WildberriesChatConnector.supported) { WildberriesChatConnector(session: $0) }
    }

    private static func register(_ registry: ConnectorRegistry, _ channel: Channel, _ operations: Set<ConnectorOperation>,
                                 _ make: @escaping @Sendable (WildberriesSession) -> any ChannelConnector) {
        let key = ConnectorKey(.wildberries, channel)
        registry.register(.init(key: key, operations: operations, requiredCredentials: ["token"]) { session, _ throws(ConnectorError) in
            guard let session = session as? WildberriesSession else { throw .unknownConnector(key) }
            return make(session)
        })
    }
}

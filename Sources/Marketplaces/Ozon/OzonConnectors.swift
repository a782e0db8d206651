import Connectors

/// Registers Ozon with a registry: the shared session (per tenant: the credentials and an
/// `UpstreamCaller` over a client of the tenant's own, so that one tenant's slow calls never
/// hold the connections another's wait for; and the Client-Id's circuit breaker and rate budget,
/// shared even by tenants that use the same seller account) and the review, question and chat
/// connectors built on it.
public enum OzonConnectors {
    /// The credential fields an Ozon tenant must configure.
    public static let requiredCredentials = ["client_id", "api_key"]

    /// Registers the Ozon session factory and the `ozon/review`, `ozon/question` and `ozon/chat`
    /// connectors, all talking to `endpoints.ozonSeller`.
    public static func register(in registry: ConnectorRegistry, endpoints: MarketplaceEndpoints, options: OzonOptions = OzonOptions()) {
        let breakers = CircuitBreakers(host: endpoints.ozonSeller.upstreamHost, failureThreshold: options.breakerThreshold,
                                       coolDown: options.breakerCoolDown, clock: options.clock)
        let budgets = RateBudgets(limit: options.rateLimit, clock: options.clock)
        // One for every Client-Id: keys carry it (`OzonSession.writing`).
        let writeLocks = ItemWriteLocks()
        registry.register(marketplace: .ozon) { credentials throws(ConnectorError) in
            let values = try credentials.require(requiredCredentials)
            let client = options.clients.client(baseURL: endpoints.ozonSeller, maxConnections: options.maxConnections)
            let caller = UpstreamCaller(marketplace: .ozon, client: client, classifier: OzonErrorClassifier(),
                                        budget: budgets.budget(for: values[0]), breaker: breakers.breaker(for: values[0]), retry: options.retry,
                                        attemptTimeout: options.attemptTimeout, clock: options.clock)
            return OzonSession(clientID: values[0], apiKey: values[1], caller: caller, writeLocks: writeLocks)
        }
        register(OzonReviewConnector.key, OzonReviewConnector.operations, OzonReviewConnector.replyBounds, .uuid, in: registry,
                 OzonReviewConnector.init)
        register(OzonQuestionConnector.key, OzonQuestionConnector.operations, OzonQuestionConnector.replyBounds, .uuid, in: registry,
                 OzonQuestionConnector.init)
        register(OzonChatConnector.key, OzonChatConnector.operations, OzonChatConnector.replyBounds, .uuidOrNumber, in: registry) {
            OzonChatConnector(session: $0, sweepPages: options.chatSweepPages)
        }
    }

    private static func register(_ key: ConnectorKey, _ operations: Set<ConnectorOperation>, _ replyLength: ClosedRange<Int>,
                                 _ idShape: ItemIDShape, in registry: ConnectorRegistry,
                                 _ make: @escaping @Sendable (OzonSession) -> any ChannelConnector) {
        registry.register(.init(key: key, operations: operations, requiredCredentials: requiredCredentials,
                                replyLength: replyLength, itemIDShape: idShape) { session, _ throws(ConnectorError) in
            // The registry hands each factory the session its marketplace's factory built: ours.
            guard let session = session as? OzonSession else { throw .unknownConnector(key) }
            return make(session)
        })
    }
}

import Synchronization

/// Maps (marketplace, channel) to the factory that builds its connector for one tenant.
///
/// Registration is explicit, at start-up. Connectors are built on first use per (tenant,
/// connector) and shared afterwards; what a factory wants shared across a tenant's channels of
/// one marketplace (the HTTP session, the rate budget) comes from the `MarketplaceSession` the
/// registry also builds once per (tenant, marketplace), so connections are pooled.
public final class ConnectorRegistry: Sendable {
    /// Builds the per-(tenant, marketplace) state that all channels of the marketplace share.
    public typealias SessionFactory = @Sendable (MarketplaceCredentials) throws(ConnectorError) -> any MarketplaceSession

    /// Builds a connector from the shared session and the tenant's credentials.
    public struct Factory: Sendable {
        /// The (marketplace, channel) the factory builds connectors for.
        public let key: ConnectorKey
        /// What the connectors it builds offer: listed by `GET /connectors` and checked before any
        /// connector is built, so an unsupported operation fails the same with or without credentials.
        public let operations: Set<ConnectorOperation>
        /// Credential fields the connector cannot work without.
        public let requiredCredentials: [String]
        /// The lengths of reply text the connector takes, in Unicode scalars (as the marketplaces
        /// count): shown to clients so they can check a reply before sending it. Nil when the
        /// connector cannot reply.
        public let replyLength: ClosedRange<Int>?
        /// Whether a reply may replace the item's standing answer when asked to (`replace`):
        /// marketplaces that keep one editable answer per item. Others add a reply, or have none.
        public let replyReplaces: Bool
        /// The form every id of the connector's items has (nil: not stated): an id of another
        /// form is no item, which the gateway can say before it weighs the request's preconditions.
        public let itemIDShape: ItemIDShape?
        let make: @Sendable (any MarketplaceSession, MarketplaceCredentials) throws(ConnectorError) -> any ChannelConnector

        /// `make` is called once per (tenant, connector) with the tenant's shared session and
        /// credentials, after `requiredCredentials` have been checked; it may be called twice in a
        /// race, and then one result is kept. `replyLength` is the bound the connectors' `reply`
        /// checks, and is required exactly when `operations` has `reply`.
        public init(key: ConnectorKey, operations: Set<ConnectorOperation>, requiredCredentials: [String],
                    replyLength: ClosedRange<Int>? = nil, replyReplaces: Bool = false, itemIDShape: ItemIDShape? = nil,
                    make: @escaping @Sendable (any MarketplaceSession, MarketplaceCredentials) throws(ConnectorError) -> any ChannelConnector) {
            precondition((replyLength != nil) == operations.contains(.reply), "a replying connector states its reply length, and only it")
            self.key = key
            self.operations = operations
            self.requiredCredentials = requiredCredentials
            self.replyLength = replyLength
            self.replyReplaces = replyReplaces
            self.itemIDShape = itemIDShape
            self.make = make
        }
    }

    private struct State {
        var factories: [ConnectorKey: Factory] = [:]
        var sessionFactories: [Marketplace: SessionFactory] = [:]
        var sessions: [SessionKey: any MarketplaceSession] = [:]
        var connectors: [ConnectorCacheKey: any ChannelConnector] = [:]
    }

    private struct SessionKey: Hashable {
        var tenant: String
        var marketplace: Marketplace
    }

    private struct ConnectorCacheKey: Hashable {
        var tenant: String
        var key: ConnectorKey
    }

    private let state = Mutex(State())

    /// An empty registry: register every session and connector factory at start-up, before serving.
    public init() {}

    /// Registers how to build the shared session for a marketplace.
    public func register(marketplace: Marketplace, session: @escaping SessionFactory) {
        state.withLock { $0.sessionFactories[marketplace] = session }
    }

    /// Registers how to build the connector for `factory.key`, replacing any earlier one. Its
    /// marketplace also needs a session factory (`register(marketplace:session:)`).
    public func register(_ factory: Factory) {
        state.withLock { $0.factories[factory.key] = factory }
    }

    /// Every registered connector, sorted by marketplace then channel.
    public var descriptors: [Factory] {
        state.withLock { Array($0.factories.values) }.sorted {
            ($0.key.marketplace.rawValue, $0.key.channel.rawValue) < ($1.key.marketplace.rawValue, $1.key.channel.rawValue)
        }
    }

    /// The registered factory for `key`, for describing a connector without building it; throws
    /// `unknownConnector` when none is registered.
    public func factory(for key: ConnectorKey) throws(ConnectorError) -> Factory {
        guard let factory = state.withLock({ $0.factories[key] }) else { throw .unknownConnector(key) }
        return factory
    }

    /// The tenant's connector for `key`, built on first use. `credentials` nil means the tenant
    /// has none for the marketplace. Given an `operation` the connector lacks, that is the error,
    /// whatever the credentials.
    public func connector(for key: ConnectorKey, tenant: String, credentials: MarketplaceCredentials?,
                          operation: ConnectorOperation? = nil) throws(ConnectorError) -> any ChannelConnector {
        let factory = try factory(for: key)
        if let operation, !factory.operations.contains(operation) { throw .operationNotSupported(key, operation) }
        guard let credentials, credentials.marketplace == key.marketplace else {
            throw .credentialsMissing(key.marketplace, missing: factory.requiredCredentials)
        }
        _ = try credentials.require(factory.requiredCredentials)
        let cacheKey = ConnectorCacheKey(tenant: tenant, key: key)
        if let cached = state.withLock({ $0.connectors[cacheKey] }) { return cached }
        let session = try session(for: key.marketplace, tenant: tenant, credentials: credentials)
        let built = try factory.make(session, credentials)
        return state.withLock { state in
            if let raced = state.connectors[cacheKey] { return raced }
            state.connectors[cacheKey] = built
            return built
        }
    }

    /// The health of the upstreams behind `key` for a tenant whose session exists (nil before
    /// the tenant's first call, descriptor or metrics scrape), without building one.
    public func upstreams(for key: ConnectorKey, tenant: String) -> [UpstreamHealth]? {
        state.withLock { $0.sessions[SessionKey(tenant: tenant, marketplace: key.marketplace)] }?.upstreams(for: key.channel)
    }

    /// The health of the upstreams behind `key` for a tenant with `credentials` for its
    /// marketplace, building the tenant's session (no call is made) when none has been used yet:
    /// then every circuit is closed and every budget full. Empty without usable credentials.
    public func upstreams(for key: ConnectorKey, tenant: String, credentials: MarketplaceCredentials?) -> [UpstreamHealth] {
        if let existing = upstreams(for: key, tenant: tenant) { return existing }
        guard let credentials, credentials.marketplace == key.marketplace,
              let session = try? session(for: key.marketplace, tenant: tenant, credentials: credentials) else { return [] }
        return session.upstreams(for: key.channel)
    }

    private func session(for marketplace: Marketplace, tenant: String, credentials: MarketplaceCredentials) throws(ConnectorError) -> any MarketplaceSession {
        let key = SessionKey(tenant: tenant, marketplace: marketplace)
        let (existing, factory) = state.withLock { ($0.sessions[key], $0.sessionFactories[marketplace]) }
        if let existing { return existing }
        guard let factory else { throw .unknownConnector(ConnectorKey(marketplace, Channel(rawValue: "*"))) }
        let built = try factory(credentials)
        return state.withLock { state in
            if let raced = state.sessions[key] { return raced }
            state.sessions[key] = built
            return built
        }
    }
}

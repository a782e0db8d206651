@testable import Connectors
import Synchronization
import Testing

@Suite("Connector registry")
struct ConnectorRegistryTests {
    final class Session: MarketplaceSession {
        let marketplace: Marketplace
        init(_ marketplace: Marketplace) { self.marketplace = marketplace }
    }

    struct Stub: ChannelConnector {
        let key: ConnectorKey
        let session: Session
        var operations: Set<ConnectorOperation> { [.listItems] }
        func listItems(_ query: ListQuery, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> ItemPage {
            ItemPage(items: [], nextCursor: nil)
        }
    }

    final class Counter: Sendable {
        let value = Mutex(0)
    }

    /// A registry with Ozon review and chat; counts how many sessions it built.
    func makeRegistry(sessionsBuilt: Counter? = nil) -> ConnectorRegistry {
        let registry = ConnectorRegistry()
        registry.register(marketplace: .ozon) { _ throws(ConnectorError) in
            sessionsBuilt?.value.withLock { $0 += 1 }
            return Session(.ozon)
        }
        for channel in [Channel.review, .chat] {
            registry.register(.init(key: ConnectorKey(.ozon, channel), operations: [.listItems],
                                    requiredCredentials: ["client_id", "api_key"]) { session, _ throws(ConnectorError) in
                Stub(key: ConnectorKey(.ozon, channel), session: session as! Session)
            })
        }
        return registry
    }

    let ozon = MarketplaceCredentials(marketplace: .ozon, fields: ["client_id": "123", "api_key": "secret"])

    @Test("an unknown (marketplace, channel) is unknownConnector")
    func unknown() {
        #expect(throws: ConnectorError.unknownConnector(ConnectorKey(.wildberries, .chat))) {
            try makeRegistry().connector(for: ConnectorKey(.wildberries, .chat), tenant: "t", credentials: MarketplaceCredentials?.none)
        }
    }

    @Test("missing credentials name every missing field, and never a value")
    func missingCredentials() {
        let partial = MarketplaceCredentials(marketplace: .ozon, fields: ["client_id": "123", "api_key": ""])
        #expect(throws: ConnectorError.credentialsMissing(.ozon, missing: ["api_key"])) {
            try makeRegistry().connector(for: ConnectorKey(.ozon, .review), tenant: "t", credentials: partial)
        }
        #expect(throws: ConnectorError.credentialsMissing(.ozon, missing: ["client_id", "api_key"])) {
            try makeRegistry().connector(for: ConnectorKey(.ozon, .review), tenant: "t", credentials: MarketplaceCredentials?.none)
        }
        #expect(!"\(ozon)".contains("secret"))
    }

    @Test("connectors are built once per tenant and share one session per marketplace")
    func sharing() throws {
        let built = Counter()
        let registry = makeRegistry(sessionsBuilt: built)
        let a = try registry.connector(for: ConnectorKey(.ozon, .review), tenant: "t1", credentials: ozon) as! Stub
        let b = try registry.connector(for: ConnectorKey(.ozon, .chat), tenant: "t1", credentials: ozon) as! Stub
        let again = try registry.connector(for: ConnectorKey(.ozon, .review), tenant: "t1", credentials: ozon) as! Stub
        let other = try registry.connector(for: ConnectorKey(.ozon, .review), tenant: "t2", credentials: ozon) as! Stub
        #expect(a.session === b.session)
        #expect(a.session === again.session)
        #expect(a.session !== other.session)
        #expect(built.value.withLock { $0 } == 2)
    }

    @Test("an operation a connector lacks throws operationNotSupported")
    func unsupported() async throws {
        let connector = try makeRegistry().connector(for: ConnectorKey(.ozon, .review), tenant: "t", credentials: ozon)
        await #expect(throws: ConnectorError.operationNotSupported(ConnectorKey(.ozon, .review), .markRead)) {
            try await connector.markRead(id: "x", deadline: .now + .seconds(1))
        }
    }
}

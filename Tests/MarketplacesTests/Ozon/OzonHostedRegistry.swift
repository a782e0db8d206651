import Connectors
import MarketplaceSimulator
import Marketplaces

/// The Ozon connectors pointed at a host of a test's own (canned answers, scripted refusals, a
/// slow list) served on loopback, for one test: no retries, 5 s an attempt, the system clock
/// unless a test clock is given.
enum OzonHostedRegistry {
    static let credentials = MarketplaceCredentials(marketplace: .ozon, fields: ["client_id": "42", "api_key": "k"])

    /// Serves `host`, runs `body` with the registry and the credentials, and stops the server
    /// whether `body` throws or not.
    static func run(_ host: some SimulatedHost, clock: any ResilienceClock = SystemResilienceClock(),
                    _ body: (ConnectorRegistry, MarketplaceCredentials) async throws -> Void) async throws {
        let server = SimulatorServer(host: host)
        try server.start()
        let registry = ConnectorRegistry()
        OzonConnectors.register(in: registry, endpoints: MarketplaceEndpoints(ozonSeller: server.baseURL),
                                options: OzonOptions(retry: .none, attemptTimeout: .seconds(5), clock: clock))
        do {
            try await body(registry, credentials)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    /// The same with the tenant's `key` connector alone.
    static func run(_ host: some SimulatedHost, key: ConnectorKey, clock: any ResilienceClock = SystemResilienceClock(),
                    _ body: (any ChannelConnector) async throws -> Void) async throws {
        try await run(host, clock: clock) { registry, credentials in
            try await body(try registry.connector(for: key, tenant: "t", credentials: credentials))
        }
    }
}

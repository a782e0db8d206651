import Connectors
import Foundation
import Gateway
import Glibc
import Hashing
import HTTP
import MarketplaceSimulator
import Marketplaces
import Server

// bench-gateway: the whole gateway (routing, middleware, auth, rate limit, the Ozon review
// connector, cursors, JSON) in front of an in-process Ozon simulator, with every rate limit
// lifted so that the measurement is of our code, not of a budget. Tenant key: bench-key.
// PORT (default 8080) for the gateway, SIM_PORT (default 8081) for the simulator; LOOPS as in
// bench-server. Prints one line with both addresses, then serves until SIGTERM/SIGINT.

func environment(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }

let key = "bench-key"
let simulatorPort = environment("SIM_PORT").flatMap(Int.init) ?? 8081
do {
    let ozon = try OzonSimulator(options: OzonSimulatorOptions(reviewCount: 200, requestsPerSecond: 1e9, burst: 1_000_000_000),
                                 port: simulatorPort)
    var configuration = GatewayConfiguration()
    let registry = ConnectorRegistry()
    OzonConnectors.register(in: registry, endpoints: MarketplaceEndpoints(ozonSeller: ozon.baseURL),
                            options: OzonOptions(rateLimit: RateLimit(burst: 1_000_000, interval: .nanoseconds(1)), maxConnections: environment("UPSTREAM_CONNECTIONS").flatMap(Int.init) ?? 256,
                                               // As the gateway does; UPSTREAM_CLIENT=urlsession measures URLSession instead.
                                               clients: environment("UPSTREAM_CLIENT") == "urlsession" ? .urlSession : .gateway(answers: BodyBudget(limit: configuration.upstreamAnswerBytes))))
    configuration.server = ServerConfiguration(host: "127.0.0.1", port: environment("PORT").flatMap(Int.init) ?? 8080)
    if let loops = environment("LOOPS").flatMap(Int.init) { configuration.server.loopCount = loops }
    configuration.tenants = [Tenant(id: "bench", keyDigests: [SHA256.hash(key.utf8)],
                                    rateLimit: TenantRateLimit(rate: 1e9, burst: 1_000_000_000),
                                    credentials: [.ozon: MarketplaceCredentials(marketplace: .ozon, fields: ozon.credentials)])]
    let application = GatewayApplication(configuration: configuration, registry: registry,
                                         staticFiles: StaticFiles(directory: nil), log: LogSink())
    let signals = try SignalWaiter([SIGTERM, SIGINT])
    try application.start()
    FileHandle.standardError.write(Data("bench-gateway: gateway 127.0.0.1:\(application.server.port) simulator \(ozon.baseURL.absoluteString) client_id \(ozon.credentials["client_id"]!) api_key \(ozon.credentials["api_key"]!)\n".utf8))
    // Signals are awaited off the main thread, which then just sleeps: a main thread parked in
    // Dispatch's main queue (top-level `await`) makes valgrind crash, and callgrind is how this
    // benchmark's instructions per request are counted.
    Task.detached {
        for await _ in signals.signals {
            await application.stop()
            await ozon.stop()
            exit(0)
        }
    }
    while true { pause() }
} catch {
    FileHandle.standardError.write(Data("bench-gateway: \(error)\n".utf8))
    exit(1)
}

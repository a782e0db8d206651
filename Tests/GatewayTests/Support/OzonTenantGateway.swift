import Foundation
import Hashing
import MarketplaceSimulator
import Testing

/// A `connector-gateway` process from a configuration file with one tenant, `acme`, whose Ozon
/// credentials are `ozon`'s and whose Ozon is `ozon`: for end-to-end tests of how the binary
/// behaves around a marketplace call (signals, drains).
struct OzonTenantGateway {
    /// The tenant's key.
    static let key = "acme-0123456789abcdef"

    let process: GatewayProcess
    private let file: URL

    /// Starts the gateway with `drain_timeout_ms` of `drainMilliseconds` and `server.half_close_grace_ms`
    /// of `halfCloseGraceMilliseconds`.
    init(ozon: OzonSimulator, drainMilliseconds: Int, halfCloseGraceMilliseconds: Int = 1000) throws {
        let config = """
            {"listen": {"host": "127.0.0.1", "port": 0}, "drain_timeout_ms": \(drainMilliseconds),
             "server": {"half_close_grace_ms": \(halfCloseGraceMilliseconds)},
             "tenants": [{"id": "acme", "api_key_sha256": ["\(Hex.encode(SHA256.hash(Self.key.utf8)))"],
                          "credentials": {"ozon": {"client_id": "\(ozon.credentials["client_id"]!)", "api_key": "\(ozon.credentials["api_key"]!)"}}}],
             "marketplaces": {"ozon": {"seller_url": "\(ozon.baseURL.absoluteString)"}}}
            """
        file = FileManager.default.temporaryDirectory.appendingPathComponent("ozon-tenant-\(UUID()).json")
        try config.write(to: file, atomically: true, encoding: .utf8)
        do {
            process = try GatewayProcess(arguments: ["--config", file.path])
        } catch {
            try? FileManager.default.removeItem(at: file)
            throw error
        }
    }

    /// Removes the configuration file (the process is the test's to stop).
    func removeConfiguration() {
        try? FileManager.default.removeItem(at: file)
    }

    /// The id of the first review the gateway lists, for a test that answers one.
    func firstReviewID() async throws -> String {
        let listed = try await GatewayClient.send("GET", port: process.port, "/connectors/ozon/review/items?limit=1", key: Self.key)
        return try #require((listed.body["items"] as? [[String: Any]])?.first?["id"] as? String, "\(listed.text)")
    }
}

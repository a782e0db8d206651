import Connectors
import Foundation
import Gateway
import Hashing
import HTTP
import Server

/// A `GatewayApplication` over fake connectors (wildberries/review with 45 items, ozon/chat
/// without mark-read), driven in-process through its responder.
struct ApplicationHarness {
    static let key = "tenant-key-0123456789"
    let application: GatewayApplication
    let review: FakeConnector
    let chat: FakeConnector

    init(holdReplies: Bool = false, tenantCredentials: [Marketplace] = [.wildberries, .ozon], metricsToken: String? = nil,
         ozonAPIKey: String = "k", idempotencyJournal: IdempotencyJournal? = nil, failedAuthLimit: TenantRateLimit? = nil,
         reviewIDShape: ItemIDShape? = nil) {
        let review = FakeConnector(key: ConnectorKey(.wildberries, .review), count: 45, holdReplies: holdReplies)
        let chat = FakeConnector(key: ConnectorKey(.ozon, .chat), count: 3,
                                 operations: [.listItems, .item, .reply, .updates])
        self.review = review
        self.chat = chat
        let registry = ConnectorRegistry()
        registry.register(marketplace: .wildberries) { _ throws(ConnectorError) in FakeSession(marketplace: .wildberries) }
        registry.register(marketplace: .ozon) { _ throws(ConnectorError) in FakeSession(marketplace: .ozon) }
        registry.register(.init(key: review.key, operations: review.operations, requiredCredentials: ["token"],
                                replyLength: 2...5000, replyReplaces: true, itemIDShape: reviewIDShape) { _, _ throws(ConnectorError) in review })
        registry.register(.init(key: chat.key, operations: chat.operations, requiredCredentials: ["client_id", "api_key"],
                                replyLength: 1...1000) { _, _ throws(ConnectorError) in chat })
        var configuration = GatewayConfiguration()
        var credentials: [Marketplace: MarketplaceCredentials] = [:]
        if tenantCredentials.contains(.wildberries) {
            credentials[.wildberries] = MarketplaceCredentials(marketplace: .wildberries, fields: ["token": "wb-token"])
        }
        if tenantCredentials.contains(.ozon) {
            credentials[.ozon] = MarketplaceCredentials(marketplace: .ozon, fields: ["client_id": "1", "api_key": ozonAPIKey])
        }
        configuration.tenants = [Tenant(id: "acme", keyDigests: [SHA256.hash(Self.key.utf8)],
                                        rateLimit: TenantRateLimit(rate: 1000, burst: 1000), credentials: credentials)]
        configuration.cursorSecret = Array("a fixed test cursor secret".utf8)
        configuration.metricsTokenDigest = metricsToken.map { SHA256.hash($0.utf8) }
        configuration.failedAuthLimit = failedAuthLimit
        application = GatewayApplication(configuration: configuration, registry: registry,
                                         staticFiles: StaticFiles(directory: nil), log: LogSink.capturing(),
                                         idempotencyJournal: idempotencyJournal)
    }

    func send(_ method: HTTPMethod, _ target: String, body: String? = nil, contentType: String? = "application/json",
              headers: [(String, String)] = [], authenticated: Bool = true, peer: String? = nil) async throws -> HTTPResponse {
        var fields: [(String, String)] = [("Host", "gateway")]
        if authenticated { fields.append(("Authorization", "Bearer \(Self.key)")) }
        if body != nil, let contentType { fields.append(("Content-Type", contentType)) }
        let request = HTTPRequest(method: method, target: target, headers: fields + headers, body: Array((body ?? "").utf8))
        let connection = RequestContext(remoteAddress: try peer.map { try SocketAddress(host: $0, port: 40000) })
        return try await application.responder.respond(to: request, context: GatewayContext(connection: connection))
    }
}

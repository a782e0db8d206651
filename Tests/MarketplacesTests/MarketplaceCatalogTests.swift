import Connectors
import Foundation
import Marketplaces
import Testing

@Suite("Marketplace catalog")
struct MarketplaceCatalogTests {
    @Test("given every registered connector that replies, when a reply is one character too long, then it is refused on text, naming the very bounds its descriptor states")
    func replyLengthIsTheCheckedOne() async throws {
        // given: the shipped catalog, its upstreams a closed port (no call may be made)
        let registry = ConnectorRegistry()
        let nowhere = URL(string: "http://127.0.0.1:1")!
        MarketplaceCatalog.registerAll(in: registry, endpoints: MarketplaceEndpoints(
            wildberriesFeedbacks: nowhere, wildberriesChat: nowhere, ozonSeller: nowhere))
        let credentials: [Marketplace: MarketplaceCredentials] = [
            .wildberries: MarketplaceCredentials(marketplace: .wildberries, fields: ["token": "t0ken"]),
            .ozon: MarketplaceCredentials(marketplace: .ozon, fields: ["client_id": "1", "api_key": "k"]),
        ]
        // An id of each marketplace's shape, as Ozon checks the id before the text.
        let uuid = "6f2a1c3e-8b7d-4e2f-9a1b-3c4d5e6f7a8b"
        let ids: [Channel: String] = [.review: "a1b2c3d4e5f6g7h8i9j0", .question: "a1b2c3d4e5f6g7h8i9j0", .chat: "1:\(uuid)"]
        let replying = registry.descriptors.filter { $0.operations.contains(.reply) }
        #expect(replying.count == 6)
        for factory in replying {
            let bounds = try #require(factory.replyLength, "\(factory.key) replies without stating its reply length")
            let connector = try registry.connector(for: factory.key, tenant: "t", credentials: credentials[factory.key.marketplace])
            // when: one scalar past the bound (Cyrillic, so bytes and scalars differ)
            let tooLong = String(repeating: "я", count: bounds.upperBound + 1)
            do {
                _ = try await connector.reply(to: factory.key.marketplace == .ozon ? uuid : ids[factory.key.channel]!, text: tooLong, deadline: .now + .seconds(5))
                Issue.record("\(factory.key) took \(bounds.upperBound + 1) characters")
            } catch {
                // then: refused on text, with the bounds the descriptor states
                guard case .invalidRequest(let field, let reason) = error else {
                    Issue.record("\(factory.key): \(error)")
                    continue
                }
                #expect(field == "text")
                #expect(reason.contains("\(bounds.lowerBound)…\(bounds.upperBound)"), "\(factory.key): \(reason)")
            }
        }
        #expect(registry.descriptors.filter { !$0.operations.contains(.reply) }.allSatisfy { $0.replyLength == nil })
    }
}

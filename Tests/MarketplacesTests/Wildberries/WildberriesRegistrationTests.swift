import Connectors
import Foundation
import MarketplaceSimulator
import Marketplaces
import Testing

@Suite("Wildberries connector registration")
struct WildberriesRegistrationTests {
    @Test("the three connectors are registered with what Wildberries lets them do")
    func registered() throws {
        let registry = ConnectorRegistry()
        WildberriesConnectors.register(in: registry, endpoints: MarketplaceEndpoints())
        let wildberries = registry.descriptors.filter { $0.key.marketplace == .wildberries }
        #expect(wildberries.map(\.key.channel) == [.chat, .question, .review])
        #expect(try registry.factory(for: ConnectorKey(.wildberries, .review)).operations == [.listItems, .item, .reply, .updates])
        #expect(try registry.factory(for: ConnectorKey(.wildberries, .question)).operations.contains(.markRead))
        #expect(wildberries.allSatisfy { $0.requiredCredentials == ["token"] })
    }

    @Test("given a tenant with a token and no call yet, when its upstreams are asked for, then each channel's host shows closed with its budget full")
    func upstreamsBeforeFirstCall() {
        let registry = ConnectorRegistry()
        WildberriesConnectors.register(in: registry, endpoints: MarketplaceEndpoints())
        let token = MarketplaceCredentials(marketplace: .wildberries, fields: ["token": "t0ken"])
        #expect(registry.upstreams(for: ConnectorKey(.wildberries, .review), tenant: "t") == nil)
        #expect(registry.upstreams(for: ConnectorKey(.wildberries, .review), tenant: "t", credentials: token)
            == [UpstreamHealth(host: "feedbacks-api.wildberries.ru", circuit: .closed, budgetAvailable: 6, budgetBurst: 6)])
        #expect(registry.upstreams(for: ConnectorKey(.wildberries, .chat), tenant: "t", credentials: token)
            == [UpstreamHealth(host: "buyer-chat-api.wildberries.ru", circuit: .closed, budgetAvailable: 10, budgetBurst: 10)])
        #expect(registry.upstreams(for: ConnectorKey(.wildberries, .chat), tenant: "u", credentials: nil).isEmpty)
        #expect(registry.upstreams(for: ConnectorKey(.wildberries, .review), tenant: "t") != nil)
    }

    @Test("a tenant without a token is told which field is missing")
    func missingToken() {
        let registry = ConnectorRegistry()
        WildberriesConnectors.register(in: registry, endpoints: MarketplaceEndpoints())
        let empty = MarketplaceCredentials(marketplace: .wildberries, fields: ["token": ""])
        #expect(throws: ConnectorError.credentialsMissing(.wildberries, missing: ["token"])) {
            try registry.connector(for: ConnectorKey(.wildberries, .review), tenant: "t", credentials: empty)
        }
    }

    @Test("the token goes out raw in Authorization, as the spec has it", .timeLimit(.minutes(1)))
    func rawToken() async throws {
        try await WildberriesQuirkTests.with { scripted in
            scripted.host.queue("/api/v1/feedbacks", json: #"{"data":{"feedbacks":[]},"error":false,"errorText":"","additionalErrors":null}"#)
            let page = try await scripted.review.listItems(ListQuery(status: .answered, limit: 3), deadline: WildberriesTestEnvironment.deadline)
            #expect(page.items.isEmpty)
            #expect(page.nextCursor == nil)
            let request = try #require(scripted.host.requests.first)
            #expect(request.header("Authorization") == "t0ken")
            #expect(request.query["isAnswered"] == "true")
            #expect(request.query["take"] == "3")
            #expect(request.query["skip"] == "0")
        }
    }
}

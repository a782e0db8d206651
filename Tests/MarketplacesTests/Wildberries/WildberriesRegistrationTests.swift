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
            == [UpstreamHealth(host: "feedbacks-api.wildberries.ru", circuit: .closed, budgetAvailable: 6, budgetBurst: 6,
                              budgetInterval: .nanoseconds(333_333_334))])
        #expect(registry.upstreams(for: ConnectorKey(.wildberries, .chat), tenant: "t", credentials: token)
            == [UpstreamHealth(host: "buyer-chat-api.wildberries.ru", circuit: .closed, budgetAvailable: 10, budgetBurst: 10,
                              budgetInterval: .seconds(1))])
        #expect(registry.upstreams(for: ConnectorKey(.wildberries, .chat), tenant: "u", credentials: nil).isEmpty)
        #expect(registry.upstreams(for: ConnectorKey(.wildberries, .review), tenant: "t") != nil)
    }

    @Test("given two tenants with tokens of the same seller, when one lists, then the other's budget shows the call; another seller's does not",
          .timeLimit(.minutes(1)))
    func budgetPerSeller() async throws {
        let slow = RateLimit(burst: 6, interval: .seconds(60))
        try await WildberriesTestEnvironment.with(connector: WildberriesTestEnvironment.connectorOptions { $0.feedbacksRateLimit = slow }) { environment in
            // given: the environment's tenant uses the demo seller's token; a second tenant a
            // second token of the same seller; a third tenant another seller's
            let sameSeller = WildberriesToken.make(sellerID: "5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b", categories: [.feedbacks],
                                                   tokenID: "second-token")
            let otherSeller = WildberriesToken.make(sellerID: "0a0b0c0d-0000-4000-8000-000000000001", categories: [.feedbacks])
            #expect(sameSeller != WildberriesToken.demo)
            let review = ConnectorKey(.wildberries, .review)
            func available(_ tenant: String, _ token: String) -> Int? {
                let credentials = MarketplaceCredentials(marketplace: .wildberries, fields: ["token": token])
                return environment.registry.upstreams(for: review, tenant: tenant, credentials: credentials).first?.budgetAvailable
            }
            #expect(available("second", sameSeller) == 6)
            // when
            _ = try await environment.review.listItems(ListQuery(limit: 1), deadline: WildberriesTestEnvironment.deadline)
            // then
            let spent = try #require(available(WildberriesTestEnvironment.tenant, WildberriesToken.demo))
            #expect(spent < 6)
            #expect(available("second", sameSeller) == spent)
            #expect(available("third", otherSeller) == 6)
        }
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
            scripted.host.queue("/api/v1/feedbacks/archive", json: #"{"data":{"feedbacks":[]},"error":false,"errorText":"","additionalErrors":null}"#)
            let page = try await scripted.review.listItems(ListQuery(status: .answered, limit: 3), deadline: WildberriesTestEnvironment.deadline)
            #expect(page.items.isEmpty)
            #expect(page.nextCursor == nil)
            let request = try #require(scripted.host.requests.first)
            #expect(request.header("Authorization") == WildberriesQuirkTests.Scripted.token)
            #expect(request.query["isAnswered"] == "true")
            #expect(request.query["take"] == "3")
            #expect(request.query["skip"] == "0")
        }
    }
}

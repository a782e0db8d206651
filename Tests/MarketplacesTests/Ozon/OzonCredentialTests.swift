import Connectors
import Foundation
import MarketplaceSimulator
import Marketplaces
import Testing

@Suite("Ozon credentials")
struct OzonCredentialTests {
    @Test("missing client_id or api_key is credentialsMissing naming them")
    func missing() {
        let registry = ConnectorRegistry()
        OzonConnectors.register(in: registry, endpoints: MarketplaceEndpoints())
        let partial = MarketplaceCredentials(marketplace: .ozon, fields: ["api_key": "secret-value"])
        #expect(throws: ConnectorError.credentialsMissing(.ozon, missing: ["client_id"])) {
            try registry.connector(for: ConnectorKey(.ozon, .chat), tenant: "t", credentials: partial)
        }
        #expect(throws: ConnectorError.credentialsMissing(.ozon, missing: ["client_id", "api_key"])) {
            try registry.connector(for: ConnectorKey(.ozon, .review), tenant: "t", credentials: nil)
        }
        #expect(registry.descriptors.filter { $0.key.marketplace == .ozon }.map(\.key.channel) == [.chat, .question, .review])
    }

    @Test("a wrong Api-Key (Ozon's 404 code 5) is upstreamAuthFailed, never itemNotFound", .timeLimit(.minutes(1)))
    func wrongKey() async throws {
        try await OzonTestbed.run { bed in
            var fields = bed.simulator.credentials
            fields["api_key"] = "11111111-2222-3333-4444-555555555555"
            let wrong = MarketplaceCredentials(marketplace: .ozon, fields: fields)
            let connector = try bed.connector(.review, tenant: "intruder", credentials: wrong)
            let id = bed.host.reviews()[0].id
            let error = await ozonError { () async throws(ConnectorError) in
                _ = try await connector.item(id: id, includeRaw: false, deadline: bed.deadline)
            }
            if case .upstreamAuthFailed(let failure)? = error {
                #expect(failure.status == 404)
                #expect(!failure.description.contains(fields["api_key"]!))
            } else {
                Issue.record("a wrong key read a review: \(String(describing: error))")
            }
            // Not retried: a wrong key stays wrong.
            #expect(bed.log.count(path: "/v1/review/info") == 1)
        }
    }

    @Test("a Client-Id that is not a number is upstreamAuthFailed", .timeLimit(.minutes(1)))
    func badClientID() async throws {
        try await OzonTestbed.run { bed in
            var fields = bed.simulator.credentials
            fields["client_id"] = "my-shop"
            let connector = try bed.connector(.question, tenant: "typo", credentials: MarketplaceCredentials(marketplace: .ozon, fields: fields))
            let error = await ozonError { () async throws(ConnectorError) in
                _ = try await connector.listItems(ListQuery(limit: 3), deadline: bed.deadline)
            }
            if case .upstreamAuthFailed(let failure)? = error {
                #expect(failure.status == 400)
            } else {
                Issue.record("a bad Client-Id listed questions: \(String(describing: error))")
            }
        }
    }

    @Test("tenants sharing a Client-Id share one rate budget; all channels of a tenant share one session", .timeLimit(.minutes(1)))
    func sharing() async throws {
        try await OzonTestbed.run { bed in
            let a = try bed.connector(.review, tenant: "a") as! OzonReviewConnector
            let b = try bed.connector(.chat, tenant: "a") as! OzonChatConnector
            let c = try bed.connector(.question, tenant: "b") as! OzonQuestionConnector
            #expect(a.session === b.session)
            #expect(a.session !== c.session)
            #expect(a.session.caller.budget === c.session.caller.budget)
            #expect(a.session.caller.breaker === c.session.caller.breaker)
        }
    }
}

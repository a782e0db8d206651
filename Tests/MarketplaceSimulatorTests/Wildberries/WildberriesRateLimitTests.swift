import Foundation
import MarketplaceSimulator
import Testing

@Suite("Wildberries simulator rate limits")
struct WildberriesRateLimitTests {
    @Test("past the burst a seller gets 429 problem+json with the X-Ratelimit headers", .timeLimit(.minutes(1)))
    func burst() async throws {
        let options = WildberriesTestTokens.options {
            // An hour: no stall between the calls can refill the bucket.
            $0.feedbacksRateLimit = WildberriesSimulatedRateLimit(burst: 2, interval: .seconds(3600))
        }
        try await WildberriesTestTokens.withSimulator(options) { simulator in
            let client = WildberriesRawClient(base: simulator.feedbacksURL)
            let first = try await client.send("GET", "/api/v1/feedbacks/count-unanswered")
            let second = try await client.send("GET", "/api/v1/feedbacks/count-unanswered")
            let third = try await client.send("GET", "/api/v1/feedbacks/count-unanswered")
            #expect(first.header("X-Ratelimit-Remaining") == "1")
            #expect(second.header("X-Ratelimit-Remaining") == "0")
            #expect(third.status == 429)
            #expect(third.header("X-Ratelimit-Remaining") == nil)
            #expect(third.header("X-Ratelimit-Limit") == "2")
            let retry = try #require(third.header("X-Ratelimit-Retry").flatMap(Int.init))
            let reset = try #require(third.header("X-Ratelimit-Reset").flatMap(Int.init))
            #expect((1...3600).contains(retry))
            #expect(reset >= retry && reset <= 7200)
            #expect(third.header("Content-Type")?.hasPrefix("application/problem+json") == true)
            #expect(third.json["title"] as? String == "too many requests")
            #expect(third.json["status"] as? Int == 429)

            // The bucket is the seller's: another seller is not affected.
            let other = try await client.send("GET", "/api/v1/feedbacks/count-unanswered", authorization: WildberriesTestTokens.otherSeller)
            #expect(other.status == 200)
        }
    }

    @Test("given a seller's base token and its personal token, when the base token calls twice, then the second is 429 for about 12 minutes and the personal token is still let through",
          .timeLimit(.minutes(1)))
    func baseToken() async throws {
        let base = WildberriesToken.make(sellerID: "5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b", categories: [.feedbacks, .chat],
                                         access: .base, tokenID: "base-token")
        let options = WildberriesTestTokens.options {
            $0.tokens.append(base)
            $0.feedbacksBaseTokenRateLimit = .feedbacksBaseToken
            $0.chatBaseTokenRateLimit = .chatBaseToken
        }
        try await WildberriesTestTokens.withSimulator(options) { simulator in
            let feedbacks = WildberriesRawClient(base: simulator.feedbacksURL)
            // given
            #expect(WildberriesToken.parse(base)?.access == .base)
            #expect(WildberriesToken.parse(WildberriesTestTokens.demo)?.access == .personal)
            // when
            let began = ContinuousClock.now
            let first = try await feedbacks.send("GET", "/api/v1/feedbacks/count-unanswered", authorization: base)
            let second = try await feedbacks.send("GET", "/api/v1/feedbacks/count-unanswered", authorization: base)
            let elapsed = ContinuousClock.now - began
            let chat = try await WildberriesRawClient(base: simulator.chatURL).send("GET", "/api/v1/seller/chats", authorization: base)
            let personal = try await feedbacks.send("GET", "/api/v1/feedbacks/count-unanswered", authorization: WildberriesTestTokens.demo)
            // then
            #expect(first.status == 200)
            #expect(first.header("X-Ratelimit-Remaining") == "0")
            #expect(second.status == 429)
            #expect(second.header("X-Ratelimit-Limit") == "1")
            let retry = try #require(second.header("X-Ratelimit-Retry").flatMap(Int.init))
            // 12 minutes less what passed since the first call took the slot
            #expect(.seconds(retry) > .seconds(719) - elapsed && retry <= 720, "\(retry) s after \(elapsed)")
            #expect(chat.status == 200)
            #expect(personal.status == 200)
        }
    }

    @Test("an injected 429 fault carries the same headers", .timeLimit(.minutes(1)))
    func injected() async throws {
        try await WildberriesTestTokens.withSimulator { simulator in
            simulator.chatFaults.inject(.rateLimited(retryAfter: 3))
            let answer = try await WildberriesRawClient(base: simulator.chatURL).send("GET", "/api/v1/seller/chats")
            #expect(answer.status == 429)
            #expect(answer.header("X-Ratelimit-Retry") == "3")
            #expect(answer.header("X-Ratelimit-Limit") != nil)
            #expect(answer.header("X-Ratelimit-Reset") != nil)
            #expect(simulator.chatLog.count(path: "/api/v1/seller/chats") == 1)
        }
    }
}

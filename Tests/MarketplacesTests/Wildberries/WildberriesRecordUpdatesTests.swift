import Connectors
import Foundation
import MarketplaceSimulator
import Marketplaces
import Testing

/// `updates` of reviews and questions across both `isAnswered` sides, when one side is read
/// before the other.
@Suite("Wildberries review updates: the two sides")
struct WildberriesRecordUpdatesTests {
    private typealias Env = WildberriesTestEnvironment

    @Test("given the answered side read first after a refusal, when reviews answered at once follow an unanswered one not yet reported, and that one is answered later, then it is still reported, whatever this machine's clock says",
          .timeLimit(.minutes(1)), arguments: [0, 300] as [Int64])
    func answeredFirstDoesNotPassAnUnreportedOne(clockAheadSeconds: Int64) async throws {
        let clock = WildberriesTestClock()
        // This machine's clock, ahead of Wildberries' (the simulator's `Date`) by `clockAheadSeconds`.
        let wall = StandingWallClock()
        wall.shift(byMilliseconds: clockAheadSeconds * 1000)
        let wildberriesNow = { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
        let options = Env.connectorOptions { $0.clock = clock; $0.unixMilliseconds = { wall.now } }
        try await Env.with(connector: options) { env in
            func later(_ seconds: Int64) {
                clock.advance(by: .seconds(seconds))
                wall.shift(byMilliseconds: seconds * 1000)
            }
            let store = env.simulator.feedbacks
            // given: a caught-up cursor
            var page = try await env.review.updates(since: nil, limit: 100, deadline: clock.now + .seconds(20))
            while page.hasMore {
                later(1)
                page = try await env.review.updates(since: page.nextCursor, limit: 100, deadline: clock.now + .seconds(20))
            }
            // and a call whose read of the answered side is refused for the rate, so the next reads it first
            later(60)
            env.simulator.feedbacksFaults.inject(.rateLimited(retryAfter: 60), pathPrefix: "/api/v1/feedbacks", after: 1)
            page = try await env.review.updates(since: page.nextCursor, limit: 100, deadline: clock.now + .seconds(20))
            // when: an unanswered review comes, then 60 that an auto-responder answers at once
            later(60)
            let late = store.addFeedback(text: "Швы разошлись после стирки", createdAt: wildberriesNow() + 10_000)
            for index in 0..<60 {
                let at = wildberriesNow() + 20_000 + Int64(index) * 1000
                let feedback = store.addFeedback(text: "Отлично, спасибо \(index)", createdAt: at)
                _ = store.answerFeedbackElsewhere(id: feedback.id, text: "Спасибо за отзыв!", at: at + 500)
            }
            later(600)
            var reported = Set<String>()
            page = try await env.review.updates(since: page.nextCursor, limit: 50, deadline: clock.now + .seconds(20))
            reported.formUnion(page.items.map(\.id))
            // (the answered ones wait for the next call, which reads in the usual order: no has_more
            // for them, which would have a client on a base token call again into the pacing for good)
            #expect(!page.hasMore)
            // and the unanswered one is answered in the portal before the calls after it
            _ = store.answerFeedbackElsewhere(id: late.id, text: "Извините, заменим", at: wildberriesNow() + 100_000)
            for _ in 0..<6 {
                later(60)
                page = try await env.review.updates(since: page.nextCursor, limit: 50, deadline: clock.now + .seconds(20))
                reported.formUnion(page.items.map(\.id))
            }
            // then: it was reported, as were the answered ones
            #expect(reported.contains(late.id))
            #expect(reported.count == 61)
        }
    }
}

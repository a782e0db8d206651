import Connectors
import Foundation
import MarketplaceSimulator
import Marketplaces
import Testing

@Suite("Wildberries rate budget and circuit breaker")
struct WildberriesResilienceTests {
    typealias Env = WildberriesTestEnvironment

    // Three callers fire 100 calls as fast as they can, alternating reviews and questions. The
    // budget's burst leaves room for the requests in flight: the simulator stamps a request when
    // its loop gets to it, so on a busy machine requests sent 10 ms apart can be seen together,
    // and no pacing can hide more requests than are on the wire.
    @Test("100 calls split between reviews and questions earn no 429: the two share one budget", .timeLimit(.minutes(1)))
    func sharedBudget() async throws {
        let simulator = Env.simulatorOptions {
            $0.feedbacksRateLimit = WildberriesSimulatedRateLimit(burst: 6, interval: .milliseconds(10))
        }
        let connector = Env.connectorOptions { $0.feedbacksRateLimit = RateLimit(burst: 3, interval: .milliseconds(10)) }
        try await Env.with(simulator: simulator, connector: connector) { env in
            let review = try #require(env.simulator.feedbacks.feedbacks.first?.id)
            let question = try #require(env.simulator.feedbacks.questions.first?.id)
            let deadline = ContinuousClock.now + .seconds(30)
            let callers = 3
            let successes = try await withThrowingTaskGroup(of: Int.self) { group in
                for caller in 0..<callers {
                    group.addTask {
                        var done = 0
                        for index in stride(from: caller, to: 100, by: callers) {
                            if index % 2 == 0 {
                                done += try await env.review.item(id: review, includeRaw: false, deadline: deadline).id == review ? 1 : 0
                            } else {
                                done += try await env.question.item(id: question, includeRaw: false, deadline: deadline).id == question ? 1 : 0
                            }
                        }
                        return done
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(successes == 100)
            #expect(env.simulator.feedbacksLog.all.count { $0.status == 429 } == 0)
            #expect(env.simulator.feedbacksLog.total == 100)
        }
    }

    @Test("after a real 429 the budget holds calls back instead of sending them", .timeLimit(.minutes(1)))
    func heldBack() async throws {
        let simulator = Env.simulatorOptions {
            // Ten minutes: no stall between the calls can refill the bucket.
            $0.feedbacksRateLimit = WildberriesSimulatedRateLimit(burst: 2, interval: .seconds(600))
        }
        try await Env.with(simulator: simulator, connector: Env.connectorOptions { $0.retry = .none }) { env in
            let review = try #require(env.simulator.feedbacks.feedbacks.first?.id)
            for _ in 0..<2 { _ = try await env.review.item(id: review, includeRaw: false, deadline: Env.deadline) }
            await #expect {
                _ = try await env.review.item(id: review, includeRaw: false, deadline: Env.deadline)
            } throws: { error in
                guard case ConnectorError.upstreamRateLimited(let retryAfter?, let failure?) = error else { return false }
                return retryAfter > .zero && retryAfter <= .seconds(600) && failure.status == 429
            }
            #expect(env.simulator.feedbacksLog.all.map(\.status) == [200, 200, 429])
            // The upstream said up to 10 minutes; a caller that cannot wait that long is answered at once.
            await #expect {
                _ = try await env.question.item(id: "anyquestion000000000", includeRaw: false, deadline: .now + .seconds(2))
            } throws: { error in
                guard case ConnectorError.upstreamRateLimited = error else { return false }
                return true
            }
            #expect(env.simulator.feedbacksLog.total == 3)
        }
    }

    @Test("repeated 5xx open the circuit: the next call fails fast unsent; after the cool-down it closes", .timeLimit(.minutes(1)))
    func circuit() async throws {
        let clock = WildberriesTestClock()
        let connector = Env.connectorOptions {
            $0.breakerFailureThreshold = 3
            // An hour: the test clock runs on real time too, and a busy machine must not let the
            // cool-down end before the fail-fast calls below are made.
            $0.breakerCoolDown = .seconds(3600)
            $0.clock = clock
        }
        try await Env.with(connector: connector) { env in
            let path = "/api/v1/feedbacks"
            env.simulator.feedbacksFaults.inject(.serverError(status: 502), times: 3, pathPrefix: path)
            let query = ListQuery(status: .unanswered, limit: 3)
            await #expect(throws: ConnectorError.self) {
                _ = try await env.review.listItems(query, deadline: Env.deadline)
            }
            #expect(env.simulator.feedbacksLog.total == 3)

            await #expect {
                _ = try await env.review.listItems(query, deadline: Env.deadline)
            } throws: { error in
                guard case ConnectorError.upstreamUnavailable(let retryAfter?, _) = error else { return false }
                return retryAfter > .zero && retryAfter <= .seconds(3600)
            }
            // The questions connector shares the host, so its calls are held back too, and so are
            // another tenant's of the same seller: the circuit is the seller's on the host.
            await #expect(throws: ConnectorError.self) {
                _ = try await env.question.listItems(query, deadline: Env.deadline)
            }
            let other = try env.registry.connector(for: ConnectorKey(.wildberries, .review), tenant: "tenant-2",
                                                   credentials: MarketplaceCredentials(marketplace: .wildberries,
                                                                                       fields: ["token": WildberriesToken.demo]))
            await #expect {
                _ = try await other.listItems(query, deadline: Env.deadline)
            } throws: { error in
                guard case ConnectorError.upstreamUnavailable = error else { return false }
                return true
            }
            #expect(env.simulator.feedbacksLog.total == 3, "an open circuit sends nothing")

            clock.advance(by: .seconds(3601))
            let page = try await env.review.listItems(query, deadline: clock.now + .seconds(20))
            #expect(page.items.count == 3)
            _ = try await env.question.listItems(query, deadline: clock.now + .seconds(20))
            #expect(env.simulator.feedbacksLog.total == 5)
        }
    }

    @Test("given one seller's calls opening its circuit on a host, when a tenant of another seller calls that host, then its call goes through",
          .timeLimit(.minutes(1)))
    func circuitPerSeller() async throws {
        let other = WildberriesToken.make(sellerID: "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", categories: [.feedbacks, .chat], tokenID: "other")
        let connector = Env.connectorOptions {
            $0.breakerFailureThreshold = 3
            // An hour, so that no stall lets the circuit close before the second call.
            $0.breakerCoolDown = .seconds(3600)
        }
        try await Env.with(simulator: Env.simulatorOptions { $0.tokens.append(other) }, connector: connector) { env in
            // given
            env.simulator.feedbacksFaults.inject(.serverError(status: 502), times: 3, pathPrefix: "/api/v1/feedbacks")
            let query = ListQuery(status: .unanswered, limit: 3)
            await #expect(throws: ConnectorError.self) { _ = try await env.review.listItems(query, deadline: Env.deadline) }
            await #expect {
                _ = try await env.review.listItems(query, deadline: Env.deadline)
            } throws: { error in
                guard case ConnectorError.upstreamUnavailable = error else { return false }
                return true
            }
            // when
            let elsewhere = try env.registry.connector(for: ConnectorKey(.wildberries, .review), tenant: "tenant-2",
                                                       credentials: MarketplaceCredentials(marketplace: .wildberries, fields: ["token": other]))
            let page = try await elsewhere.listItems(query, deadline: Env.deadline)
            // then
            #expect(page.items.count == 3)
            #expect(env.simulator.feedbacksLog.total == 4)
        }
    }
}

import Connectors
import MarketplaceSimulator
import Marketplaces
import Testing

@Suite("Wildberries base tokens")
struct WildberriesBaseTokenTests {
    private typealias Env = WildberriesTestEnvironment

    private static let base = WildberriesToken.make(sellerID: "5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b", categories: [.feedbacks, .chat],
                                                    access: .base, tokenID: "base-token")

    /// A simulator that accepts the base token and does not limit it, so that only the
    /// gateway's own pacing can hold a call back.
    private static var simulator: WildberriesSimulatorOptions {
        Env.simulatorOptions {
            $0.tokens.append(base)
            $0.feedbacksBaseTokenRateLimit = .unlimited
            $0.chatBaseTokenRateLimit = .unlimited
        }
    }

    @Test("given a base token, when a tenant lists twice, then the second call is refused here with a wait of about 12 minutes and never sent",
          .timeLimit(.minutes(1)))
    func pacedToBaseLimit() async throws {
        try await Env.with(simulator: Self.simulator, token: Self.base) { env in
            // given
            let review = ConnectorKey(.wildberries, .review)
            let credentials = MarketplaceCredentials(marketplace: .wildberries, fields: ["token": Self.base])
            let health = try #require(env.registry.upstreams(for: review, tenant: Env.tenant, credentials: credentials).first)
            #expect(health.budgetBurst == 1)
            #expect(health.budgetInterval == .seconds(720))
            // when
            let began = ContinuousClock.now
            _ = try await env.review.listItems(ListQuery(status: .unanswered, limit: 5), deadline: Env.deadline)
            let sent = env.simulator.feedbacksLog.total
            // then: the wait is the 12 minutes less what has passed since the first call took the slot
            await #expect {
                _ = try await env.question.listItems(ListQuery(status: .unanswered, limit: 5), deadline: Env.deadline)
            } throws: { error in
                guard case ConnectorError.upstreamRateLimited(let retryAfter?, nil) = error else { return false }
                return retryAfter > .seconds(719) - (ContinuousClock.now - began) && retryAfter <= .seconds(720)
            }
            #expect(env.simulator.feedbacksLog.total == sent)
            #expect(sent == 1)
        }
    }

    @Test("given a base token, when a tenant answers a review or a question, then it is refused at once as the token's doing, not rate-limited, and nothing is sent",
          .timeLimit(.minutes(1)))
    func answersRefusedUnsent() async throws {
        try await Env.with(simulator: Self.simulator, token: Self.base) { env in
            // given
            let feedback = try #require(env.simulator.feedbacks.feedbacks.first { $0.answer == nil })
            let question = try #require(env.simulator.feedbacks.questions.first { $0.answer == nil })
            // when / then
            for (name, answer) in [("feedback \(feedback.id)", { try await env.review.reply(to: feedback.id, text: "Thank you!", deadline: Env.deadline) }),
                                   ("question \(question.id)", { try await env.question.reply(to: question.id, text: "Yes, it is.", deadline: Env.deadline) })] {
                await #expect {
                    _ = try await answer()
                } throws: { error in
                    guard case ConnectorError.upstreamAuthFailed(let failure) = error else { return false }
                    return failure.status == nil && failure.message.contains(name) && failure.message.contains("720 s")
                        && !ConnectorError.upstreamAuthFailed(failure).isRetryable
                }
            }
            // and an id of no form a marketplace gives is no item, whatever the token
            await #expect(throws: ConnectorError.malformedItemID(id: "a/b", shape: .token)) {
                _ = try await env.review.reply(to: "a/b", text: "Thank you!", deadline: Env.deadline)
            }
            await #expect(throws: ConnectorError.malformedItemID(id: "a/b", shape: .token)) {
                _ = try await env.question.reply(to: "a/b", text: "Yes, it is.", deadline: Env.deadline)
            }
            #expect(env.simulator.feedbacksLog.total == 0)
        }
    }

    @Test("given a seller's base token in use, when a tenant with the seller's personal token lists, then its budget is the full one, untouched",
          .timeLimit(.minutes(1)))
    func personalTokenApart() async throws {
        try await Env.with(simulator: Self.simulator, token: Self.base) { env in
            _ = try await env.review.listItems(ListQuery(status: .unanswered, limit: 5), deadline: Env.deadline)
            let personal = MarketplaceCredentials(marketplace: .wildberries, fields: ["token": WildberriesToken.demo])
            let health = try #require(env.registry.upstreams(for: ConnectorKey(.wildberries, .review), tenant: "personal",
                                                             credentials: personal).first)
            #expect(health.budgetAvailable == health.budgetBurst)
            #expect(health.budgetBurst > 1)
            let chat = try #require(env.registry.upstreams(for: ConnectorKey(.wildberries, .chat), tenant: Env.tenant,
                                                           credentials: MarketplaceCredentials(marketplace: .wildberries,
                                                                                               fields: ["token": Self.base])).first)
            #expect(chat.budgetInterval == .seconds(3600))
            #expect(chat.budgetAvailable == 1)
        }
    }

    @Test("given a base token, when a list without status finds fewer unanswered reviews than asked, then they come with a cursor, and the answered ones 12 minutes later",
          .timeLimit(.minutes(1)))
    func listSpreadOverSlots() async throws {
        let clock = WildberriesTestClock()
        try await Env.with(simulator: Self.simulator, connector: Env.connectorOptions { $0.clock = clock }, token: Self.base) { env in
            let unanswered = env.simulator.feedbacks.feedbacks.filter { $0.answer == nil }.count
            let total = env.simulator.feedbacks.feedbacks.count
            #expect(unanswered > 0 && unanswered < total)
            // when: one call, which the budget lets read only the unanswered side
            let first = try await env.review.listItems(ListQuery(limit: 100), deadline: clock.now + .seconds(20))
            // then
            #expect(first.items.count == unanswered)
            #expect(first.items.allSatisfy { $0.status == .unanswered })
            let cursor = try #require(first.nextCursor)
            // and the cursor, used at once, is refused with the wait; 12 minutes later it goes on
            await #expect(throws: ConnectorError.self) {
                _ = try await env.review.listItems(ListQuery(limit: 100, cursor: cursor), deadline: clock.now + .seconds(20))
            }
            clock.advance(by: .seconds(720))
            var items = first.items
            var next: Cursor? = cursor
            while let page = next {
                let answered = try await env.review.listItems(ListQuery(limit: 100, cursor: page), deadline: clock.now + .seconds(20))
                items += answered.items
                next = answered.nextCursor
                clock.advance(by: .seconds(720))
            }
            #expect(items.count == total)
            #expect(Set(items.map(\.id)).count == total)
        }
    }

    @Test("given a base token and nothing unanswered, when a list without status is asked, then it answers an empty page with a cursor, and the answered ones 12 minutes later",
          .timeLimit(.minutes(1)))
    func listWithAnEmptyFirstSide() async throws {
        let clock = WildberriesTestClock()
        try await Env.with(simulator: Self.simulator, connector: Env.connectorOptions { $0.clock = clock }, token: Self.base) { env in
            // given: every feedback answered
            for feedback in env.simulator.feedbacks.feedbacks where feedback.answer == nil {
                _ = env.simulator.feedbacks.answerFeedbackElsewhere(id: feedback.id, text: "Спасибо!", at: feedback.createdAt + 1000)
            }
            let total = env.simulator.feedbacks.feedbacks.count
            // when: the one call of the slot reads the (empty) unanswered side
            let first = try await env.review.listItems(ListQuery(limit: 100), deadline: clock.now + .seconds(20))
            // then: not a refusal that the next slot would meet again, but progress
            #expect(first.items.isEmpty)
            var next = try #require(first.nextCursor)
            var items: [Item] = []
            for _ in 0..<10 {
                clock.advance(by: .seconds(720))
                let page = try await env.review.listItems(ListQuery(limit: 100, cursor: next), deadline: clock.now + .seconds(20))
                items += page.items
                guard let cursor = page.nextCursor else { break }
                next = cursor
            }
            #expect(items.count == total)
            #expect(items.allSatisfy { ($0.status == .answered) != $0.replyWasRejected })
        }
    }

    @Test("given a base token, when updates can read only one side a slot, then each call answers what it read and the sides take turns until all are reported",
          .timeLimit(.minutes(1)))
    func updatesTakeTurns() async throws {
        let clock = WildberriesTestClock()
        try await Env.with(simulator: Self.simulator, connector: Env.connectorOptions { $0.clock = clock }, token: Self.base) { env in
            let all = Set(env.simulator.feedbacks.feedbacks.map(\.id))
            let unanswered = Set(env.simulator.feedbacks.feedbacks.filter { $0.answer == nil }.map(\.id))
            // when: the first call reads the unanswered side and is refused the answered one
            let first = try await env.review.updates(since: nil, limit: 100, deadline: clock.now + .seconds(20))
            // then
            #expect(Set(first.items.map(\.id)) == unanswered)
            #expect(first.hasMore)
            // and 12 minutes later the answered side is read first, then nothing new is left
            var reported = first.items.map(\.id)
            var cursor = first.nextCursor
            var caughtUp = false
            for _ in 0..<4 {
                clock.advance(by: .seconds(720))
                let page = try await env.review.updates(since: cursor, limit: 100, deadline: clock.now + .seconds(20))
                reported += page.items.map(\.id)
                cursor = page.nextCursor
                if !page.hasMore {
                    caughtUp = true
                    break
                }
            }
            #expect(reported.count == all.count)
            #expect(Set(reported) == all)
            #expect(caughtUp, "has_more stayed true with both sides read to their end")
        }
    }
}

import Connectors
import Foundation
import MarketplaceSimulator
import Marketplaces
import Testing

/// Feedbacks Wildberries moved to its archive (`/api/v1/feedbacks/archive`): answered ones, ones
/// left unanswered for 30 days, ones without text or photos. `/api/v1/feedbacks` no longer lists them.
@Suite("Wildberries review archive")
struct WildberriesReviewArchiveTests {
    typealias Env = WildberriesTestEnvironment

    /// Archives the two oldest unanswered and the two oldest answered feedbacks; returns the
    /// archive newest first.
    static func archiveSome(_ env: Env) -> [WildberriesSimulatedFeedback] {
        let all = env.simulator.feedbacks.feedbacks
        let moved = all.filter { $0.answer == nil }.suffix(2) + all.filter { $0.answer != nil }.suffix(2)
        for feedback in moved { env.simulator.feedbacks.archiveFeedback(id: feedback.id) }
        return env.simulator.feedbacks.feedbacks.filter(\.isArchived)
    }

    @Test("given feedbacks in the archive, when all are listed, then the unanswered come, then the answered, then the archive, each once",
          .timeLimit(.minutes(1)))
    func allStatuses() async throws {
        try await Env.with { env in
            // given
            let archived = Self.archiveSome(env)
            let active = env.simulator.feedbacks.feedbacks.filter { !$0.isArchived }
            let expected = active.filter { $0.answer == nil }.map(\.id) + active.filter { $0.answer != nil }.map(\.id)
                + archived.map(\.id)
            // when
            let (items, _) = try await Env.walk(env.review, ListQuery(status: nil, limit: 3))
            // then
            #expect(items.map(\.id) == expected)
            #expect(items.suffix(archived.count).map(\.status) == archived.map { Self.showsAnswer($0) ? .answered : .unanswered })
            #expect(env.simulator.feedbacksLog.all.contains { $0.path == "/api/v1/feedbacks/archive" })
        }
    }

    /// Whether the simulated feedback's item shows it answered: an answer moderation did not turn down.
    static func showsAnswer(_ feedback: WildberriesSimulatedFeedback) -> Bool {
        feedback.answer.map { !$0.state.hasPrefix("rejected") } ?? false
    }

    @Test("given feedbacks in the archive, one with an answer moderation turned down, when the unanswered are listed, then the archive's unanswered ones by their status follow the others; the answered likewise",
          .timeLimit(.minutes(1)))
    func byStatus() async throws {
        try await Env.with { env in
            // given
            let turnedDown = try #require(env.simulator.feedbacks.feedbacks.first { $0.answer != nil && !Self.showsAnswer($0) })
            env.simulator.feedbacks.archiveFeedback(id: turnedDown.id)
            let archived = Self.archiveSome(env)
            let active = env.simulator.feedbacks.feedbacks.filter { !$0.isArchived }
            // when
            let (unanswered, _) = try await Env.walk(env.review, ListQuery(status: .unanswered, limit: 4))
            let (answered, _) = try await Env.walk(env.review, ListQuery(status: .answered, limit: 4))
            // then
            #expect(unanswered.map(\.id) == active.filter { $0.answer == nil }.map(\.id) + archived.filter { !Self.showsAnswer($0) }.map(\.id))
            #expect(answered.map(\.id) == active.filter { $0.answer != nil }.map(\.id) + archived.filter(Self.showsAnswer).map(\.id))
            #expect(unanswered.allSatisfy { $0.status == .unanswered })
            #expect(unanswered.contains { $0.id == turnedDown.id })
            // the active side: filed as answered; shown waiting for an answer when moderation turned it down
            #expect(answered.allSatisfy { $0.reply != nil && ($0.status == .answered) != $0.replyWasRejected })
        }
    }

    @Test("given an archive of old feedbacks, when listed since a date, then the archive ends at the first one older", .timeLimit(.minutes(1)))
    func since() async throws {
        try await Env.with { env in
            // given: the archive holds the oldest half; since falls inside it
            let all = env.simulator.feedbacks.feedbacks
            for feedback in all.suffix(all.count / 2) { env.simulator.feedbacks.archiveFeedback(id: feedback.id) }
            let archived = env.simulator.feedbacks.feedbacks.filter(\.isArchived)
            let pivot = archived[archived.count / 2].createdAt / 1000
            // when
            let (items, _) = try await Env.walk(env.review, ListQuery(status: nil, limit: 5, since: Timestamp(secondsSinceEpoch: pivot)))
            // then
            #expect(Set(items.map(\.id)) == Set(all.filter { $0.createdAt / 1000 >= pivot }.map(\.id)))
            #expect(items.count == Set(items.map(\.id)).count)
            #expect(items.contains { id in archived.contains { $0.id == id.id } })
            // The archive was left at its first older feedback (index 8 of 15, pages of at most
            // 5): reading on to its end would take at least 4 requests.
            #expect(env.simulator.feedbacksLog.all.count { $0.path == "/api/v1/feedbacks/archive" } <= 3)
        }
    }

    /// Every page of a list until it ends or fails: the ids listed, and the error it failed with.
    static func walkToFailure(_ env: Env, _ query: ListQuery) async -> (listed: [String], failure: ConnectorError?) {
        var query = query
        var listed: [String] = []
        do {
            for _ in 0..<40 {
                let page = try await env.review.listItems(query, deadline: Env.deadline)
                listed += page.items.map(\.id)
                guard let next = page.nextCursor else { return (listed, nil) }
                query.cursor = next
            }
            return (listed, nil)
        } catch {
            return (listed, error)
        }
    }

    /// Caps of skip 10 and take 5: the archive is readable to a depth of 15.
    static let tightCaps = (simulator: Env.simulatorOptions { $0.feedbacksMaxTake = 5 },
                            connector: Env.connectorOptions { $0.feedbacksMaxTake = 5 })

    /// The walks the cap is met in: four records a call (every call fills its limit); a limit no
    /// call fills, so the second call starts at skip 10 and meets the cap after one page, with
    /// feedbacks in hand; and the unanswered alone, the archive's pages mostly left out.
    static let cappedWalks: [(status: Item.Status?, limit: Int)] = [(nil, 4), (nil, 100), (.unanswered, 3)]

    @Test("given an archive deeper than a page from the offset cap reaches, when it is walked, then everything within reach is listed, what the last call found included, and the walk then fails saying why",
          .timeLimit(.minutes(1)), arguments: cappedWalks.indices)
    func pastTheCap(walk: Int) async throws {
        let (status, limit) = Self.cappedWalks[walk]
        try await Env.with(simulator: Self.tightCaps.simulator, connector: Self.tightCaps.connector) { env in
            // given: every feedback archived, answered and unanswered mixed
            let all = env.simulator.feedbacks.feedbacks
            for feedback in all { env.simulator.feedbacks.archiveFeedback(id: feedback.id) }
            let reachable = all.prefix(15).filter { status == nil || ($0.answer == nil) == (status == .unanswered) }.map(\.id)
            // when
            let (listed, failure) = await Self.walkToFailure(env, ListQuery(status: status, limit: limit))
            // then
            #expect(listed == reachable)
            guard case .upstreamError(let upstream)? = failure else {
                Issue.record("expected the walk to fail at the cap, got \(String(describing: failure)) after \(listed.count) of \(all.count)")
                return
            }
            #expect(upstream.message.contains("offset cap"))
            #expect(upstream.status == nil)
            #expect(failure?.isRetryable == false)
        }
    }

    @Test("given no archive (questions), when all are listed, then the walk ends after the answered side", .timeLimit(.minutes(1)))
    func questionsHaveNone() async throws {
        try await Env.with { env in
            // given: the seeded questions, answered and not
            let questions = env.simulator.feedbacks.questions
            // when
            let (items, _) = try await Env.walk(env.question, ListQuery(status: nil, limit: 10))
            // then
            #expect(items.count == questions.count)
            #expect(!env.simulator.feedbacksLog.all.contains { $0.path.hasSuffix("/archive") })
        }
    }
}

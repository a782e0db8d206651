import Connectors
import Foundation
import MarketplaceSimulator
import Marketplaces
import Testing

@Suite("Wildberries review connector")
struct WildberriesReviewConnectorTests {
    typealias Env = WildberriesTestEnvironment

    @Test("answering each page before asking for the next skips none of the unanswered", .timeLimit(.minutes(1)))
    func answerWhilePaging() async throws {
        try await Env.with { env in
            // Given: more unanswered feedbacks than three pages of 4
            let unanswered = env.simulator.feedbacks.feedbacks.filter { $0.answer == nil }.map(\.id)
            #expect(unanswered.count > 12)
            // When: a client answers every item of a page, then asks for the next page
            let listed = try await listAnsweringEachPage(env.review, limit: 4, text: "Спасибо за отзыв!", deadline: { Env.deadline })
            // Then: every one of them was listed, newest first, once
            #expect(listed == unanswered)
            #expect(env.simulator.feedbacks.feedbacks.allSatisfy { $0.answer != nil })
        }
    }

    @Test("given 30 unanswered feedbacks in one second, answering each page before asking for the next skips none of them",
          .timeLimit(.minutes(1)))
    func answerWhilePagingCrowdedSecond() async throws {
        try await Env.with { env in
            // given
            let newest = try #require(env.simulator.feedbacks.feedbacks.map(\.createdAt).max())
            for index in 0..<30 { env.simulator.feedbacks.addFeedback(text: "Отзыв \(index)", createdAt: newest + 60_000) }
            let unanswered = Set(env.simulator.feedbacks.feedbacks.filter { $0.answer == nil }.map(\.id))
            // when
            let listed = try await listAnsweringEachPage(env.review, limit: 5, text: "Спасибо за отзыв!", deadline: { Env.deadline })
            // then
            #expect(Set(listed) == unanswered)
            #expect(listed.count == unanswered.count)
            #expect(env.simulator.feedbacks.feedbacks.allSatisfy { $0.answer != nil })
        }
    }

    @Test("unanswered feedbacks page to the end past the skip cap, newest first, each once", .timeLimit(.minutes(1)))
    func unansweredPastCaps() async throws {
        try await Env.with { env in
            let truth = env.simulator.feedbacks.feedbacks.filter { $0.answer == nil }
            #expect(truth.count > 10, "the seed should put more unanswered feedbacks than the skip cap")
            let (items, pages) = try await Env.walk(env.review, ListQuery(status: .unanswered, limit: 4))
            #expect(items.map(\.id) == truth.map(\.id))
            #expect(items.allSatisfy { $0.status == .unanswered && $0.reply == nil })
            #expect(pages >= truth.count / 4)
            // Past skip 10 the simulator refuses offsets (400): every call succeeding means the
            // connector went on in date windows.
            #expect(env.simulator.feedbacksLog.all.allSatisfy { $0.status == 200 })
        }
    }

    @Test("given more feedbacks in one second than a cursor remembers by id, then paging lists each once and ends", .timeLimit(.minutes(1)))
    func crowdedSecond() async throws {
        try await Env.with(simulator: Env.simulatorOptions { $0.feedbacksMaxSkip = 10_000 },
                           connector: Env.connectorOptions { $0.feedbacksMaxSkip = 10_000 }) { env in
            // given: 21 unanswered feedbacks published in the same second, newer than the rest
            let newest = env.simulator.feedbacks.feedbacks.map(\.createdAt).max() ?? 0
            let crowd = (0..<21).map { env.simulator.feedbacks.addFeedback(text: "Отзыв \($0)", createdAt: newest + 60_000).id }
            // when
            let (items, pages) = try await Env.walk(env.review, ListQuery(status: .unanswered, limit: 4))
            // then
            let unanswered = env.simulator.feedbacks.feedbacks.filter { $0.answer == nil }
            #expect(pages < 100)
            #expect(items.count == unanswered.count)
            #expect(Set(items.map(\.id)) == Set(unanswered.map(\.id)))
            #expect(Set(items.prefix(21).map(\.id)) == Set(crowd))
        }
    }

    @Test("given a second more crowded than the offset cap lets through, then the walk gives up its rest and ends, repeating nothing", .timeLimit(.minutes(1)))
    func crowdedSecondPastTheCap() async throws {
        try await Env.with { env in
            // given: 21 feedbacks in one second, with offsets capped at 10
            let newest = env.simulator.feedbacks.feedbacks.map(\.createdAt).max() ?? 0
            let crowd = Set((0..<21).map { env.simulator.feedbacks.addFeedback(text: "Отзыв \($0)", createdAt: newest + 60_000).id })
            // when
            let (items, pages) = try await Env.walk(env.review, ListQuery(status: .unanswered, limit: 4))
            // then: it ends, nothing twice, everything outside the crowded second, most of the crowd
            let ids = items.map(\.id)
            #expect(pages < 100)
            #expect(Set(ids).count == ids.count)
            let others = env.simulator.feedbacks.feedbacks.filter { $0.answer == nil && !crowd.contains($0.id) }.map(\.id)
            #expect(Set(others).isSubset(of: Set(ids)))
            #expect(Set(ids).intersection(crowd).count >= 16)
        }
    }

    @Test("status nil walks the unanswered side, then the answered side", .timeLimit(.minutes(1)))
    func allStatuses() async throws {
        try await Env.with { env in
            let all = env.simulator.feedbacks.feedbacks
            let expected = all.filter { $0.answer == nil }.map(\.id) + all.filter { $0.answer != nil }.map(\.id)
            let (items, _) = try await Env.walk(env.review, ListQuery(status: nil, limit: 7))
            #expect(items.map(\.id) == expected)
            #expect(Set(items.map(\.id)).count == all.count)
            let answered = items.filter { $0.status == .answered }
            let rejected = all.count { ["rejected", "rejectedAntispam"].contains($0.answer?.state ?? "") }
            #expect(rejected > 0)
            #expect(answered.count == all.count { $0.answer != nil } - rejected)
            #expect(answered.allSatisfy { $0.reply != nil && !$0.replyWasRejected })
            #expect(items.filter(\.replyWasRejected).allSatisfy { $0.status == .unanswered })
        }
    }

    @Test("answered decides by the answer, not by state, and every field is mapped", .timeLimit(.minutes(1)))
    func mapping() async throws {
        try await Env.with { env in
            let quirky = try #require(env.simulator.feedbacks.feedbacks.first { $0.answer == nil && $0.state == "wbRu" },
                                      "the seed includes the state/answer quirk")
            let item = try await env.review.item(id: quirky.id, includeRaw: true, deadline: Env.deadline)
            #expect(item.status == .unanswered)
            #expect(item.kind == .review)
            #expect(item.rating == quirky.rating)
            #expect(item.author?.name == (quirky.userName.isEmpty ? nil : quirky.userName))
            #expect(item.product?.id == String(quirky.product.nmId))
            #expect(item.product?.name == quirky.product.name)
            #expect(item.read == quirky.wasViewed)
            #expect(item.createdAt.millisecondsSinceEpoch / 1000 == quirky.createdAt / 1000)
            #expect(item.raw?["state"] == .string("wbRu"))

            let answered = try #require(env.simulator.feedbacks.feedbacks.first { $0.answer != nil })
            let answeredItem = try await env.review.item(id: answered.id, includeRaw: false, deadline: Env.deadline)
            #expect(answeredItem.status == .answered)
            #expect(answeredItem.reply?.text == answered.answer?.text)
            #expect(answeredItem.reply?.state == answered.answer?.state)
            #expect(answeredItem.reply?.editable == answered.answer?.editable)
            #expect(answeredItem.raw == nil)
        }
    }

    @Test("every date format of the host is read to the second", .timeLimit(.minutes(1)))
    func dates() async throws {
        try await Env.with { env in
            let (items, _) = try await Env.walk(env.review, ListQuery(status: nil, limit: 100))
            let truth = Dictionary(uniqueKeysWithValues: env.simulator.feedbacks.feedbacks.map { ($0.id, $0) })
            #expect(Set(truth.values.map { $0.createdDateText.suffix(6) }).contains("+03:00"))
            #expect(items.count == truth.count)
            for item in items {
                #expect(item.createdAt.millisecondsSinceEpoch / 1000 == truth[item.id]!.createdAt / 1000, "\(truth[item.id]!.createdDateText)")
            }
        }
    }

    @Test("since only returns feedbacks created at or after it", .timeLimit(.minutes(1)))
    func since() async throws {
        try await Env.with { env in
            let all = env.simulator.feedbacks.feedbacks
            // Some of the host's dates have whole seconds only, so the pivot is a whole second.
            let pivot = all[all.count / 2].createdAt / 1000
            let (items, _) = try await Env.walk(env.review, ListQuery(status: nil, limit: 5,
                                                                      since: Timestamp(secondsSinceEpoch: pivot)))
            #expect(Set(items.map(\.id)) == Set(all.filter { $0.createdAt / 1000 >= pivot }.map(\.id)))
            #expect(items.count < all.count)
        }
    }

    @Test("a since before 1970 lists everything (Wildberries refuses a negative dateFrom)", .timeLimit(.minutes(1)))
    func sinceBeforeTheEpoch() async throws {
        try await Env.with { env in
            let (items, _) = try await Env.walk(env.review, ListQuery(status: nil, limit: 5,
                                                                      since: Timestamp(secondsSinceEpoch: -1)))
            #expect(items.count == env.simulator.feedbacks.feedbacks.count)
        }
    }

    @Test("a reply answers with POST; another is refused unsent unless it replaces the answer, which edits it with PATCH, and the upstream shows it", .timeLimit(.minutes(1)))
    func reply() async throws {
        try await Env.with { env in
            let target = try #require(env.simulator.feedbacks.feedbacks.first { $0.answer == nil })
            let receipt = try await env.review.reply(to: target.id, text: "Спасибо за отзыв!", deadline: Env.deadline)
            #expect(receipt.itemID == target.id)
            #expect(env.simulator.feedbacks.feedback(id: target.id)?.answer?.text == "Спасибо за отзыв!")
            #expect(env.simulator.feedbacksLog.count(path: "/api/v1/feedbacks/answer", method: "POST") == 1)
            let item = try await env.review.item(id: target.id, includeRaw: false, deadline: Env.deadline)
            #expect(item.status == .answered)

            // another writer's words, not asked to replace the answer: refused, nothing sent
            await #expect {
                _ = try await env.review.reply(to: target.id, text: "Thank you for the feedback!", deadline: Env.deadline)
            } throws: { error in
                guard case ConnectorError.upstreamRejected(let failure) = error else { return false }
                return failure.status == nil && failure.message.contains("already has another answer") && failure.message.contains("\"replace\": true")
            }
            #expect(env.simulator.feedbacksLog.count(path: "/api/v1/feedbacks/answer", method: "PATCH") == 0)
            #expect(env.simulator.feedbacks.feedback(id: target.id)?.answer?.text == "Спасибо за отзыв!")

            _ = try await env.review.reply(to: target.id, text: "Thank you for the feedback!", replacing: true, deadline: Env.deadline)
            #expect(env.simulator.feedbacksLog.count(path: "/api/v1/feedbacks/answer", method: "PATCH") == 1)
            #expect(env.simulator.feedbacks.feedback(id: target.id)?.answer?.text == "Thank you for the feedback!")

            // Wildberries allows one edit and then shows the answer as not editable: a third is
            // refused without a call
            await #expect {
                _ = try await env.review.reply(to: target.id, text: "Third try", replacing: true, deadline: Env.deadline)
            } throws: { error in
                guard case ConnectorError.upstreamRejected(let failure) = error else { return false }
                return failure.status == nil && failure.message.contains("can no longer be edited")
            }
            #expect(env.simulator.feedbacksLog.count(path: "/api/v1/feedbacks/answer", method: "PATCH") == 1)
        }
    }

    @Test("given two replies with the same text sent together, when the first's write is slow, then the second waits for it and finds the answer there: one answer, the edit unspent", .timeLimit(.minutes(1)))
    func concurrentRepliesTakeTurns() async throws {
        try await Env.with { env in
            // given: an unanswered feedback, and a write the simulator holds for a while, so that
            // without the item's lock the second reply would read the feedback before it lands
            let target = try #require(env.simulator.feedbacks.feedbacks.first { $0.answer == nil })
            let answer = "/api/v1/feedbacks/answer"
            env.simulator.feedbacksFaults.inject(.latency(.milliseconds(300)), times: 1, pathPrefix: answer)
            // when
            async let first = env.review.reply(to: target.id, text: "Спасибо за отзыв!", deadline: Env.deadline)
            async let second = env.review.reply(to: target.id, text: "Спасибо за отзыв!", deadline: Env.deadline)
            _ = try await [first, second]
            // then: one answer, and the edit left unspent
            #expect(env.simulator.feedbacksLog.count(path: answer, method: "POST") == 1)
            #expect(env.simulator.feedbacksLog.count(path: answer, method: "PATCH") == 0)
            #expect(env.simulator.feedbacks.feedback(id: target.id)?.answer?.text == "Спасибо за отзыв!")
        }
    }

    @Test("the same answer sent again writes nothing, so the one edit is left for a real change", .timeLimit(.minutes(1)))
    func repeatedReply() async throws {
        try await Env.with { env in
            let target = try #require(env.simulator.feedbacks.feedbacks.first { $0.answer == nil })
            _ = try await env.review.reply(to: target.id, text: "Спасибо за отзыв!", deadline: Env.deadline)
            // when: the same text again (a client retrying after a lost response), then a new one
            let again = try await env.review.reply(to: target.id, text: "Спасибо за отзыв! ", deadline: Env.deadline)
            #expect(again.itemID == target.id)
            #expect(env.simulator.feedbacksLog.count(path: "/api/v1/feedbacks/answer", method: "POST") == 1)
            #expect(env.simulator.feedbacksLog.count(path: "/api/v1/feedbacks/answer", method: "PATCH") == 0)
            _ = try await env.review.reply(to: target.id, text: "Спасибо! Рады, что подошло.", replacing: true, deadline: Env.deadline)
            #expect(env.simulator.feedbacksLog.count(path: "/api/v1/feedbacks/answer", method: "PATCH") == 1)
            #expect(env.simulator.feedbacks.feedback(id: target.id)?.answer?.text == "Спасибо! Рады, что подошло.")
        }
    }

    @Test("given a reply Wildberries took, when the look that it shows fails, then the reply is still reported sent, once", .timeLimit(.minutes(1)))
    func replyWhoseConfirmationFails() async throws {
        try await Env.with { env in
            let target = try #require(env.simulator.feedbacks.feedbacks.first { $0.answer == nil })
            // given: the read before the write and the write pass (the prefix matches both);
            // every read after them fails
            env.simulator.feedbacksFaults.inject(.serverError(status: 500), times: 10, pathPrefix: "/api/v1/feedback", after: 2)
            // when
            let receipt = try await env.review.reply(to: target.id, text: "Спасибо за отзыв!", deadline: Env.deadline)
            // then
            #expect(receipt.itemID == target.id)
            #expect(env.simulator.feedbacksLog.count(path: "/api/v1/feedbacks/answer", method: "POST") == 1)
            #expect(env.simulator.feedbacks.feedback(id: target.id)?.answer?.text == "Спасибо за отзыв!")
        }
    }

    @Test("a reply to a bogus id is itemNotFound, and no answer is sent", .timeLimit(.minutes(1)))
    func bogusReply() async throws {
        try await Env.with { env in
            await #expect(throws: ConnectorError.itemNotFound(id: "nosuchfeedback000000")) {
                _ = try await env.review.reply(to: "nosuchfeedback000000", text: "Спасибо!", deadline: Env.deadline)
            }
            #expect(env.simulator.feedbacksLog.count(path: "/api/v1/feedbacks/answer") == 0)
            await #expect(throws: ConnectorError.itemNotFound(id: "nosuchfeedback000000")) {
                _ = try await env.review.item(id: "nosuchfeedback000000", includeRaw: false, deadline: Env.deadline)
            }
        }
    }

    @Test("reply text out of 2…5000 and limits out of 1…100 are refused before any call", .timeLimit(.minutes(1)))
    func bounds() async throws {
        try await Env.with { env in
            let id = try #require(env.simulator.feedbacks.feedbacks.first?.id)
            for text in ["x", "   ", String(repeating: "ы", count: 5001)] {
                await #expect {
                    _ = try await env.review.reply(to: id, text: text, deadline: Env.deadline)
                } throws: { error in
                    guard case ConnectorError.invalidRequest(let field, _) = error else { return false }
                    return field == "text"
                }
            }
            for limit in [0, 101] {
                await #expect {
                    _ = try await env.review.listItems(ListQuery(limit: limit), deadline: Env.deadline)
                } throws: { error in
                    guard case ConnectorError.invalidRequest(let field, _) = error else { return false }
                    return field == "limit"
                }
            }
            #expect(env.simulator.feedbacksLog.total == 0)
        }
    }

    @Test("mark read is not offered by Wildberries for feedbacks", .timeLimit(.minutes(1)))
    func markRead() async throws {
        try await Env.with { env in
            #expect(!env.review.operations.contains(.markRead))
            await #expect(throws: ConnectorError.operationNotSupported(ConnectorKey(.wildberries, .review), .markRead)) {
                try await env.review.markRead(id: "any", deadline: Env.deadline)
            }
            #expect(env.simulator.feedbacksLog.total == 0)
        }
    }

    @Test("updates report every feedback once, resume from the cursor, and pick up new ones", .timeLimit(.minutes(1)))
    func updates() async throws {
        try await Env.with { env in
            var seen: [String] = []
            var cursor: Cursor?
            for _ in 0..<40 {
                let page = try await env.review.updates(since: cursor, limit: 4, deadline: Env.deadline)
                seen += page.items.map(\.id)
                cursor = page.nextCursor
                if !page.hasMore { break }
            }
            #expect(seen.count == Set(seen).count, "no duplicates")
            #expect(Set(seen) == Set(env.simulator.feedbacks.feedbacks.map(\.id)))

            // Nothing new: nothing reported.
            let quiet = try await env.review.updates(since: cursor, limit: 10, deadline: Env.deadline)
            #expect(quiet.items.isEmpty)

            // New feedbacks arrive between calls, two of them in the same second.
            let first = env.simulator.addFeedback(text: "Новый отзыв", rating: 4)
            let second = env.simulator.feedbacks.addFeedback(text: "Another one", createdAt: first.createdAt)
            let page = try await env.review.updates(since: quiet.nextCursor, limit: 1, deadline: Env.deadline)
            let rest = try await env.review.updates(since: page.nextCursor, limit: 10, deadline: Env.deadline)
            #expect((page.items + rest.items).map(\.id).sorted() == [first.id, second.id].sorted())
            let after = try await env.review.updates(since: rest.nextCursor, limit: 10, deadline: Env.deadline)
            #expect(after.items.isEmpty)
        }
    }

    @Test("given a synced client, when a feedback dated before the newest reported shows up late, then the next updates report it once",
          .timeLimit(.minutes(1)))
    func updatesLateRecord() async throws {
        try await Env.with { env in
            // given
            let cursor = try await synced(env)
            let newest = try #require(env.simulator.feedbacks.feedbacks.filter { $0.answer == nil }.map(\.createdAt).max())
            // when: an unanswered one shows up dated ten minutes before the newest unanswered
            // (moderation), and a new one comes
            let late = env.simulator.feedbacks.addFeedback(text: "Прошёл модерацию", createdAt: newest - 600_000)
            let fresh = env.simulator.feedbacks.addFeedback(text: "Новый", createdAt: newest + 1_000)
            let page = try await env.review.updates(since: cursor, limit: 10, deadline: Env.deadline)
            // then
            #expect(page.items.map(\.id) == [late.id, fresh.id])
            let again = try await env.review.updates(since: page.nextCursor, limit: 10, deadline: Env.deadline)
            #expect(again.items.isEmpty)
            #expect(!again.hasMore)
        }
    }

    @Test("given a synced client whose window's first second holds three feedbacks, when one of them is answered elsewhere, then updates repeat none of the others",
          .timeLimit(.minutes(1)))
    func windowStartsAtWholeSecond() async throws {
        try await Env.with { env in
            // given: three feedbacks in one second, 46 in the seconds after, all reported
            let newest = try #require(env.simulator.feedbacks.feedbacks.map(\.createdAt).max())
            let second = (newest / 1000 + 60) * 1000
            let shared = (0..<3).map { env.simulator.feedbacks.addFeedback(text: "Отзыв \($0)", createdAt: second).id }
            for index in 1...46 { env.simulator.feedbacks.addFeedback(text: "Позже \(index)", createdAt: second + Int64(index) * 1000) }
            let cursor = try await synced(env)
            // when
            #expect(env.simulator.feedbacks.answerFeedbackElsewhere(id: shared[0], text: "Спасибо!", at: second + 50_000))
            var reported: [Item] = []
            var next = cursor
            var page: UpdatesPage
            repeat {
                page = try await env.review.updates(since: next, limit: 10, deadline: Env.deadline)
                reported += page.items
                next = page.nextCursor
            } while page.hasMore
            // then: the one answered comes as answered, and nothing as unanswered
            #expect(reported.filter { $0.status == .unanswered }.map(\.id) == [])
            #expect(reported.map(\.id) == [shared[0]])
        }
    }

    @Test("given feedbacks arriving several a second, some answered elsewhere, between polls of varied limits, then each is reported, and none twice as unanswered",
          .timeLimit(.minutes(1)), arguments: [3, 17])
    func arrivalsBetweenPolls(seed: UInt64) async throws {
        try await Env.with { env in
            var random = seed
            func next(_ bound: Int) -> Int {
                random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Int((random >> 33) % UInt64(bound))
            }
            var cursor = try await synced(env)
            let start = (try #require(env.simulator.feedbacks.feedbacks.map(\.createdAt).max()) / 1000 + 60) * 1000
            var added: [String] = []
            var reportedUnanswered: [String] = []
            var reported: Set<String> = []
            for round in 0..<40 {
                let second = start + Int64(round) * 1000
                for index in 0..<next(7) { added.append(env.simulator.feedbacks.addFeedback(text: "Отзыв \(round).\(index)", createdAt: second).id) }
                if next(4) == 0, !reportedUnanswered.isEmpty {
                    _ = env.simulator.feedbacks.answerFeedbackElsewhere(id: reportedUnanswered[next(reportedUnanswered.count)],
                                                                        text: "Спасибо!", at: second + 500)
                }
                var page: UpdatesPage
                repeat {
                    page = try await env.review.updates(since: cursor, limit: 1 + next(10), deadline: Env.deadline)
                    cursor = page.nextCursor
                    for item in page.items {
                        reported.insert(item.id)
                        if item.status == .unanswered { reportedUnanswered.append(item.id) }
                    }
                } while page.hasMore
            }
            #expect(Set(added).subtracting(reported).isEmpty, "never reported")
            #expect(reportedUnanswered.count == Set(reportedUnanswered).count, "reported twice as unanswered")
        }
    }

    /// The cursor of a client that has read every update so far.
    func synced(_ env: Env) async throws -> Cursor? {
        var cursor: Cursor?
        var page: UpdatesPage
        repeat {
            page = try await env.review.updates(since: cursor, limit: 100, deadline: Env.deadline)
            cursor = page.nextCursor
        } while page.hasMore
        return cursor
    }

    /// `count` new feedbacks published in one second, a minute after the newest; their ids.
    func crowdInOneSecond(_ env: Env, count: Int) -> [String] {
        let second = (env.simulator.feedbacks.feedbacks.map(\.createdAt).max() ?? 0) + 60_000
        return (0..<count).map { env.simulator.feedbacks.addFeedback(text: "Отзыв \($0)", createdAt: second).id }
    }

    @Test("given a synced client, when more feedbacks arrive in one second than an updates cursor remembers by id, then updates report each once and end",
          arguments: [5, 30])
    func updatesThroughCrowdedSecond(limit: Int) async throws {
        try await Env.with(simulator: Env.simulatorOptions { $0.feedbacksMaxSkip = 10_000 },
                           connector: Env.connectorOptions { $0.feedbacksMaxSkip = 10_000 }) { env in
            // given
            var cursor = try await synced(env)
            var page: UpdatesPage
            let crowd = crowdInOneSecond(env, count: 100)
            // when
            var reported: [String] = []
            var calls = 0
            repeat {
                page = try await env.review.updates(since: cursor, limit: limit, deadline: Env.deadline)
                reported += page.items.map(\.id)
                cursor = page.nextCursor
                calls += 1
            } while page.hasMore && calls < 50
            // then
            #expect(!page.hasMore)
            #expect(reported.count == Set(reported).count, "reported twice: \(reported.count - Set(reported).count)")
            #expect(Set(reported) == Set(crowd))
            let quiet = try await env.review.updates(since: cursor, limit: limit, deadline: Env.deadline)
            #expect(quiet.items.isEmpty)
        }
    }

    @Test("given a crowded second read 10 at a time, when one of its feedbacks is answered mid-walk and new ones arrive a second later, then updates reach them and end",
          .timeLimit(.minutes(1)))
    func crowdedSecondShiftsMidWalk() async throws {
        try await Env.with(simulator: Env.simulatorOptions { $0.feedbacksMaxSkip = 10_000 },
                           connector: Env.connectorOptions { $0.feedbacksMaxSkip = 10_000 }) { env in
            // given: a synced client, then 100 feedbacks in one second, 70 of them reported
            var cursor = try await synced(env)
            var page: UpdatesPage
            let crowd = crowdInOneSecond(env, count: 100)
            let second = try #require(env.simulator.feedbacks.feedback(id: crowd[0])?.createdAt)
            var reported: [String] = []
            for _ in 0..<7 {
                page = try await env.review.updates(since: cursor, limit: 10, deadline: Env.deadline)
                reported += page.items.map(\.id)
                cursor = page.nextCursor
            }
            // when: the first one reported is answered (the second's order shifts), and five more come
            #expect(env.simulator.feedbacks.answerFeedbackElsewhere(id: reported[0], text: "Спасибо!", at: second + 5_000))
            let later = (0..<5).map { env.simulator.feedbacks.addFeedback(text: "Новый \($0)", createdAt: second + 1_000).id }
            var calls = 0
            repeat {
                page = try await env.review.updates(since: cursor, limit: 10, deadline: Env.deadline)
                reported += page.items.map(\.id)
                cursor = page.nextCursor
                calls += 1
            } while page.hasMore && calls < 40
            // then: it ends, having reported every one of them (some of the crowd more than once)
            #expect(!page.hasMore)
            #expect(Set(later).isSubset(of: Set(reported)))
            #expect(Set(crowd).isSubset(of: Set(reported)))
        }
    }

    @Test("a cursor from elsewhere is invalidRequest", .timeLimit(.minutes(1)))
    func foreignCursor() async throws {
        try await Env.with { env in
            await #expect {
                _ = try await env.review.listItems(ListQuery(limit: 5, cursor: Cursor(["k": "zz"])), deadline: Env.deadline)
            } throws: { error in
                guard case ConnectorError.invalidRequest(let field, _) = error else { return false }
                return field == "cursor"
            }
        }
    }
}

import Connectors
import Foundation
import MarketplaceSimulator
import Marketplaces
import Testing

@Suite("Ozon review connector")
struct OzonReviewConnectorTests {
    @Test("pages of 7 (below Ozon's minimum of 20) reach every review once, newest first", .timeLimit(.minutes(1)))
    func pagingBelowUpstreamMinimum() async throws {
        try await OzonTestbed.run { bed in
            let items = try await bed.listAll(try bed.review, limit: 7)
            let expected = bed.host.reviews().sorted { ($0.publishedAt, $0.id) > ($1.publishedAt, $1.id) }.map(\.id)
            #expect(items.map(\.id) == expected)
            #expect(items.count == 45)
            // Every upstream call asked for at least 20 reviews: Ozon refuses fewer with a 400.
            #expect(bed.log.all.allSatisfy { $0.status == 200 })
        }
    }

    @Test("answering each page before asking for the next skips none of the unanswered", .timeLimit(.minutes(1)))
    func answerWhilePaging() async throws {
        try await OzonTestbed.run { bed in
            // Given: unanswered reviews over several pages of 6
            let unanswered = Set(bed.host.reviews().filter { $0.status != .processed }.map(\.id))
            #expect(unanswered.count > 12)
            // When: a client answers every item of a page, then asks for the next page
            let listed = try await listAnsweringEachPage(bed.review, limit: 6, text: "Спасибо за отзыв!", deadline: { bed.deadline })
            // Then: every one of them was listed once
            #expect(listed.count == unanswered.count)
            #expect(Set(listed) == unanswered)
        }
    }

    @Test("given a walk stopped at the end of an upstream page, when newer reviews push its last one onto the next page, then the walk goes on from it, repeating none",
          .timeLimit(.minutes(1)))
    func walkWhoseStopIsPushedOn() async throws {
        try await OzonTestbed.run { bed in
            let connector = try bed.review
            let all = bed.host.reviews().sorted { ($0.publishedAt, $0.id) > ($1.publishedAt, $1.id) }.map(\.id)
            // given: a first page of 19, from an upstream page of 20
            let first = try await connector.listItems(ListQuery(limit: 19), deadline: bed.deadline)
            #expect(first.items.map(\.id) == Array(all.prefix(19)))
            // when: two reviews are published, so the upstream's first page now ends before the 19th
            bed.host.addReview(text: "Новый отзыв", rating: 4)
            bed.host.addReview(text: "Ещё один", rating: 5)
            let items = try await first.items + bed.walk(connector, from: first.nextCursor, limit: 19)
            // then: every review of the walk's start once, in order, the new ones above it not listed
            #expect(items.map(\.id) == all)
        }
    }

    @Test("given a walk stopped at the end of Ozon's page, when the review Ozon's last_id names is deleted, then the walk goes on from the next one, losing and repeating none",
          .timeLimit(.minutes(1)))
    func walkWhoseBoundaryReviewLeaves() async throws {
        try await OzonTestbed.run { bed in
            let connector = try bed.review
            let all = bed.host.reviews().sorted { ($0.publishedAt, $0.id) > ($1.publishedAt, $1.id) }.map(\.id)
            // given: a first page of 20, Ozon's whole first page
            let first = try await connector.listItems(ListQuery(limit: 20), deadline: bed.deadline)
            #expect(first.items.map(\.id) == Array(all.prefix(20)))
            // when: the 20th review, the one Ozon's last_id names, leaves Ozon
            #expect(bed.host.removeReview(id: all[19]))
            let items = try await bed.walk(connector, from: first.nextCursor, limit: 20)
            // then: the rest of the walk, each once
            #expect(items.map(\.id) == Array(all.dropFirst(20)))
        }
    }

    @Test("status filters split reviews into unanswered (NEW, VIEWED) and answered (PROCESSED)", .timeLimit(.minutes(1)))
    func statusFilters() async throws {
        try await OzonTestbed.run { bed in
            let unanswered = try await bed.listAll(try bed.review, limit: 10, status: .unanswered)
            let answered = try await bed.listAll(try bed.review, limit: 10, status: .answered)
            let reviews = bed.host.reviews()
            #expect(Set(unanswered.map(\.id)) == Set(reviews.filter { $0.status != .processed }.map(\.id)))
            #expect(Set(answered.map(\.id)) == Set(reviews.filter { $0.status == .processed }.map(\.id)))
            #expect(unanswered.allSatisfy { $0.status == .unanswered })
            #expect(answered.allSatisfy { $0.status == .answered && $0.read == true })
            #expect(unanswered.contains { $0.read == false })
        }
    }

    @Test("one review carries rating, sku, read state and the seller's comment; raw only when asked", .timeLimit(.minutes(1)))
    func oneReview() async throws {
        try await OzonTestbed.run { bed in
            let seeded = try #require(bed.host.reviews().first { !$0.comments.isEmpty })
            let item = try await bed.review.item(id: seeded.id, includeRaw: false, deadline: bed.deadline)
            #expect(item.kind == .review)
            #expect(item.rating == seeded.rating)
            #expect(item.product?.id == String(seeded.sku))
            #expect(item.text == seeded.text)
            #expect(item.status == .answered)
            #expect(item.read == true)
            #expect(item.reply?.text == seeded.comments.last?.text)
            #expect(item.createdAt.millisecondsSinceEpoch == seeded.publishedAt / 1000)
            #expect(item.raw == nil)
            let raw = try await bed.review.item(id: seeded.id, includeRaw: true, deadline: bed.deadline).raw
            #expect(raw?["id"] == .string(seeded.id))
            let page = try await bed.review.listItems(ListQuery(limit: 3, includeRaw: true), deadline: bed.deadline)
            #expect(page.items.allSatisfy { $0.raw?["id"] == .string($0.id) })
        }
    }

    @Test("given a review not processed, when read alone (v1 info says only UNPROCESSED), then it is unanswered and its read state is left out, not guessed",
          .timeLimit(.minutes(1)))
    func oneUnprocessedReview() async throws {
        try await OzonTestbed.run { bed in
            let seeded = try #require(bed.host.reviews().first { $0.status == .viewed })
            let item = try await bed.review.item(id: seeded.id, includeRaw: false, deadline: bed.deadline)
            #expect(item.status == .unanswered)
            #expect(item.read == nil)
            let listed = try await bed.review.listItems(ListQuery(limit: 100), deadline: bed.deadline).items.first { $0.id == seeded.id }
            #expect(listed?.read == true, "the v2 list says VIEWED")
        }
    }

    @Test("a reply comments on the review and marks it processed, so it leaves the unanswered list", .timeLimit(.minutes(1)))
    func reply() async throws {
        try await OzonTestbed.run { bed in
            let target = try #require(bed.host.reviews().first { $0.status == .new })
            let receipt = try await bed.review.reply(to: target.id, text: "Спасибо за отзыв!", deadline: bed.deadline)
            #expect(receipt.itemID == target.id)
            let stored = try #require(bed.host.review(id: target.id))
            #expect(receipt.replyID == stored.comments.last?.id)
            #expect(stored.status == .processed)
            #expect(stored.comments.last?.text == "Спасибо за отзыв!")
            let item = try await bed.review.item(id: target.id, includeRaw: false, deadline: bed.deadline)
            #expect(item.status == .answered)
            #expect(item.reply?.text == "Спасибо за отзыв!")
            let unanswered = try await bed.listAll(try bed.review, limit: 50, status: .unanswered)
            #expect(!unanswered.contains { $0.id == target.id })
        }
    }

    @Test("reply text out of bounds and limits outside 1…100 fail before any upstream call", .timeLimit(.minutes(1)))
    func validation() async throws {
        try await OzonTestbed.run { bed in
            let id = bed.host.reviews()[0].id
            await #expect(throws: ConnectorError.invalidRequest(field: "text", reason: "text must be 1…3000 characters, got 0.")) {
                try await bed.review.reply(to: id, text: "", deadline: bed.deadline)
            }
            await #expect(throws: ConnectorError.invalidRequest(field: "text", reason: "text must be 1…3000 characters, got 3001.")) {
                try await bed.review.reply(to: id, text: String(repeating: "я", count: 3001), deadline: bed.deadline)
            }
            await #expect(throws: ConnectorError.invalidRequest(field: "text", reason: "text must not be blank.")) {
                try await bed.review.reply(to: id, text: "   ", deadline: bed.deadline)
            }
            await #expect(throws: ConnectorError.invalidRequest(field: "text", reason: "text must not be blank.")) {
                try await bed.review.reply(to: id, text: "\u{200B}\u{2060}", deadline: bed.deadline)
            }
            for limit in [0, 101] {
                await #expect(throws: ConnectorError.invalidRequest(field: "limit", reason: "limit must be between 1 and 100")) {
                    try await bed.review.listItems(ListQuery(limit: limit), deadline: bed.deadline)
                }
                await #expect(throws: ConnectorError.invalidRequest(field: "limit", reason: "limit must be between 1 and 100")) {
                    try await bed.review.updates(since: nil, limit: limit, deadline: bed.deadline)
                }
            }
            await #expect(throws: ConnectorError.self) {
                try await bed.review.listItems(ListQuery(limit: 5, cursor: Cursor(["k": "updates"])), deadline: bed.deadline)
            }
            #expect(bed.log.total == 0)
        }
    }

    @Test("marking a review read sets it PROCESSED upstream", .timeLimit(.minutes(1)))
    func markRead() async throws {
        try await OzonTestbed.run { bed in
            let target = try #require(bed.host.reviews().first { $0.status == .new })
            try await bed.review.markRead(id: target.id, deadline: bed.deadline)
            #expect(bed.host.review(id: target.id)?.status == .processed)
            #expect(bed.log.count(path: "/v1/review/change-status") == 1)
        }
    }

    @Test("a review that does not exist is itemNotFound, for every single-item operation", .timeLimit(.minutes(1)))
    func missingReview() async throws {
        try await OzonTestbed.run { bed in
            let id = "0190d9c4-0000-7000-8000-000000000000"
            await #expect(throws: ConnectorError.itemNotFound(id: id)) {
                try await bed.review.item(id: id, includeRaw: false, deadline: bed.deadline)
            }
            await #expect(throws: ConnectorError.itemNotFound(id: id)) {
                try await bed.review.reply(to: id, text: "Спасибо", deadline: bed.deadline)
            }
            await #expect(throws: ConnectorError.itemNotFound(id: id)) {
                try await bed.review.markRead(id: id, deadline: bed.deadline)
            }
        }
    }

    @Test("without the review subscription every review call is upstreamAuthFailed with Ozon's words", .timeLimit(.minutes(1)))
    func subscriptionOff() async throws {
        try await OzonTestbed.run { bed in
            bed.simulator.setSubscription(false)
            let error = await ozonError { () async throws(ConnectorError) in
                _ = try await bed.review.listItems(ListQuery(limit: 5), deadline: bed.deadline)
            }
            if case .upstreamAuthFailed(let failure)? = error {
                #expect(failure.status == 403)
                #expect(failure.message.contains("not available with existing subscription"))
            } else {
                Issue.record("listing succeeded without a subscription: \(String(describing: error))")
            }
            let id = bed.host.reviews()[0].id
            await #expect(throws: ConnectorError.self) { try await bed.review.reply(to: id, text: "Спасибо", deadline: bed.deadline) }
            // Not retried: the answer would not change.
            #expect(bed.log.count(path: "/v1/review/comment/create") == 1)
        }
    }

    @Test("updates resume from the cursor without loss or repeats, across new reviews and a shared edge instant",
          .timeLimit(.minutes(1)))
    func updates() async throws {
        try await OzonTestbed.run(simulator: OzonTestbed.simulatorOptions(reviews: 25)) { bed in
            let connector = try bed.review
            var seen: [String] = []
            // Given: the initial sync, in pages of 10
            var cursor: Cursor?
            var page = try await connector.updates(since: nil, limit: 10, deadline: bed.deadline)
            seen += page.items.map(\.id)
            cursor = page.nextCursor
            #expect(page.hasMore)
            // When: reviews arrive between calls, two of them at the very same instant
            let edge = Date()
            let a = bed.simulator.addReview(text: "Good", rating: 5, publishedAt: edge)
            let b = bed.simulator.addReview(text: "Хорошо", rating: 4, publishedAt: edge)
            while page.hasMore {
                page = try await connector.updates(since: cursor, limit: 10, deadline: bed.deadline)
                seen += page.items.map(\.id)
                cursor = page.nextCursor
            }
            // Then: every review once, oldest first
            let all = bed.host.reviews().sorted { ($0.publishedAt, $0.id) < ($1.publishedAt, $1.id) }.map(\.id)
            #expect(seen == all)
            // And a cursor at the edge: one of the two same-instant reviews returned, the other not yet
            let c = bed.simulator.addReview(text: "Later", publishedAt: edge.addingTimeInterval(1))
            let d = bed.simulator.addReview(text: "Same instant as later", publishedAt: edge.addingTimeInterval(1))
            let first = try await connector.updates(since: cursor, limit: 1, deadline: bed.deadline)
            #expect(first.hasMore)
            let second = try await connector.updates(since: first.nextCursor, limit: 1, deadline: bed.deadline)
            let third = try await connector.updates(since: second.nextCursor, limit: 1, deadline: bed.deadline)
            #expect(Set(first.items.map(\.id) + second.items.map(\.id)) == [c.id, d.id])
            #expect(third.items.isEmpty)
            #expect(!third.hasMore)
            #expect(!seen.contains(c.id) && seen.contains(a.id) && seen.contains(b.id))
        }
    }

    @Test("given an Ozon whose review list ignores sort_dir, with more reviews than a call reads and 45 of them in one millisecond, when updates are drained, then every review comes once, oldest first",
          .timeLimit(.minutes(1)))
    func updatesOutOfOrder() async throws {
        // given: 2,150 reviews listed newest first whatever is asked, 45 more in one millisecond among them
        var options = OzonTestbed.simulatorOptions(reviews: 2150)
        options.listsIgnoreSortDirection = true
        try await OzonTestbed.run(simulator: options) { bed in
            let connector = try bed.review
            let seeded = bed.host.reviews().sorted { $0.publishedAt < $1.publishedAt }
            let crowded = Date(timeIntervalSince1970: Double(seeded[seeded.count / 3].publishedAt / 1000) / 1000)
            for k in 0..<45 { bed.simulator.addReview(text: "Отзыв \(k)", rating: 5, publishedAt: crowded) }
            // Oldest first to the millisecond (the simulator keeps microseconds), ties by id.
            let truth = bed.host.reviews().sorted { ($0.publishedAt / 1000, $0.id) < ($1.publishedAt / 1000, $1.id) }.map(\.id)
            // when
            let (seen, hasMore) = try await bed.drainUpdates(connector, limit: 100)
            // then
            #expect(!hasMore)
            #expect(seen == truth)
        }
    }

    @Test("given 45 reviews published in one millisecond, when updates are read 10 at a time, then each comes once and no cursor names more than 20 ids",
          .timeLimit(.minutes(1)))
    func crowdedMillisecond() async throws {
        try await OzonTestbed.run(simulator: OzonTestbed.simulatorOptions(reviews: 5)) { bed in
            let connector = try bed.review
            // given
            var page = try await connector.updates(since: nil, limit: 10, deadline: bed.deadline)
            var seen = page.items.map(\.id)
            let instant = Date()
            let crowd = (0..<45).map { bed.simulator.addReview(text: "Отзыв \($0)", publishedAt: instant).id }
            let after = bed.simulator.addReview(text: "Later", publishedAt: instant.addingTimeInterval(1)).id
            // when
            var cursors: [Cursor] = []
            repeat {
                page = try await connector.updates(since: page.nextCursor, limit: 10, deadline: bed.deadline)
                seen += page.items.map(\.id)
                cursors.append(page.nextCursor)
            } while page.hasMore
            // then
            #expect(seen.count == Set(seen).count)
            #expect(Set(seen) == Set(bed.host.reviews().map(\.id)))
            #expect(Set(crowd).isSubset(of: Set(seen)) && seen.last == after)
            #expect(cursors.allSatisfy { ($0["ids"] ?? "").split(separator: ",").count <= 20 })
            let quiet = try await connector.updates(since: page.nextCursor, limit: 10, deadline: bed.deadline)
            #expect(quiet.items.isEmpty && !quiet.hasMore)
        }
    }

    @Test("since keeps only reviews published at or after it", .timeLimit(.minutes(1)))
    func since() async throws {
        try await OzonTestbed.run { bed in
            let reviews = bed.host.reviews().sorted { $0.publishedAt > $1.publishedAt }
            let cut = reviews[9].publishedAt
            let since = Timestamp(millisecondsSinceEpoch: cut / 1000)
            var items: [Item] = []
            var cursor: Cursor?
            repeat {
                let page = try await bed.review.listItems(ListQuery(limit: 4, cursor: cursor, since: since), deadline: bed.deadline)
                items += page.items
                cursor = page.nextCursor
            } while cursor != nil
            #expect(items.map(\.id) == reviews.prefix(10).map(\.id))
        }
    }
}

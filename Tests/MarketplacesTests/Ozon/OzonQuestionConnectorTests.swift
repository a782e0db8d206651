import Connectors
import Foundation
import MarketplaceSimulator
import Marketplaces
import Testing

@Suite("Ozon question connector")
struct OzonQuestionConnectorTests {
    @Test("pages reach every question once, newest first, with author and product", .timeLimit(.minutes(1)))
    func paging() async throws {
        try await OzonTestbed.run { bed in
            let items = try await bed.listAll(try bed.question, limit: 9)
            let expected = bed.host.questions().sorted { ($0.publishedAt, $0.id) > ($1.publishedAt, $1.id) }
            #expect(items.map(\.id) == expected.map(\.id))
            for (item, question) in zip(items, expected) {
                #expect(item.kind == .question)
                #expect(item.author?.name == question.authorName)
                #expect(item.product?.id == String(question.sku))
                #expect(item.product?.url == "https://www.ozon.ru/product/\(question.sku)/")
                #expect(item.status == (question.answers.isEmpty && question.status != .processed ? .unanswered : .answered))
                #expect(item.read == (question.status != .new))
            }
        }
    }

    @Test("status filters: unanswered have no answers, answered have some", .timeLimit(.minutes(1)))
    func statusFilters() async throws {
        try await OzonTestbed.run { bed in
            let unanswered = try await bed.listAll(try bed.question, limit: 4, status: .unanswered)
            let answered = try await bed.listAll(try bed.question, limit: 4, status: .answered)
            #expect(!unanswered.isEmpty && !answered.isEmpty)
            #expect(unanswered.count + answered.count == bed.host.questions().count)
            #expect(Set(unanswered.map(\.id)) == Set(bed.host.questions().filter { $0.answers.isEmpty }.map(\.id)))
        }
    }

    @Test("given a page of unanswered questions, when each is answered, then the next page goes on with the next ones, none skipped",
          .timeLimit(.minutes(1)))
    func answeringWhilePaging() async throws {
        try await OzonTestbed.run { bed in
            let question = try bed.question
            let all = try await bed.listAll(question, limit: 100, status: .unanswered)
            try #require(all.count >= 10)
            // given: the first five, in a page that ends inside Ozon's page of 100
            let first = try await question.listItems(ListQuery(status: .unanswered, limit: 5), deadline: bed.deadline)
            #expect(first.items.map(\.id) == all.prefix(5).map(\.id))
            // when: each is answered, so they leave Ozon's unprocessed listing
            for item in first.items {
                _ = try await question.reply(to: item.id, text: "Да, подойдёт.", deadline: bed.deadline)
            }
            let next = try await question.listItems(ListQuery(limit: 5, cursor: first.nextCursor), deadline: bed.deadline)
            // then: the next page is the sixth to the tenth, not five further on
            #expect(next.items.map(\.id) == all.dropFirst(5).prefix(5).map(\.id))
        }
    }

    @Test("given a walk stopped at the end of Ozon's page, when the question Ozon's last_id names is deleted, then the walk goes on from the next one, losing and repeating none",
          .timeLimit(.minutes(1)))
    func walkWhoseBoundaryQuestionLeaves() async throws {
        try await OzonTestbed.run { bed in
            let connector = try bed.question
            let all = bed.host.questions().sorted { ($0.publishedAt, $0.id) > ($1.publishedAt, $1.id) }.map(\.id)
            // given: a first page of 10, Ozon's whole page at that limit
            let first = try await connector.listItems(ListQuery(limit: 10), deadline: bed.deadline)
            #expect(first.items.map(\.id) == Array(all.prefix(10)))
            // when: the 10th question, the one Ozon's last_id names, leaves Ozon
            #expect(bed.host.removeQuestion(id: all[9]))
            let items = try await bed.walk(connector, from: first.nextCursor, limit: 10)
            // then: the rest of the walk, each once
            #expect(items.map(\.id) == Array(all.dropFirst(10)))
        }
    }

    @Test("one question carries its latest answer as the reply", .timeLimit(.minutes(1)))
    func oneQuestion() async throws {
        try await OzonTestbed.run { bed in
            let seeded = try #require(bed.host.questions().first { !$0.answers.isEmpty })
            let item = try await bed.question.item(id: seeded.id, includeRaw: true, deadline: bed.deadline)
            #expect(item.status == .answered)
            #expect(item.reply?.text == seeded.answers.last?.text)
            #expect(item.reply?.state == "PUBLISHED")
            #expect(item.raw?["question_link"] != nil)
        }
    }

    @Test("given a question Ozon has not processed whose only answer moderation turned down, then it is unanswered in its item, in lists and in updates, its answer kept as the reply",
          .timeLimit(.minutes(1)))
    func turnedDownAnswer() async throws {
        try await OzonTestbed.run { bed in
            let question = try bed.question
            // given: an answer sent, which moderation then turned down, the question back to viewed
            let target = try #require(bed.host.questions().first { $0.answers.isEmpty })
            _ = try await question.reply(to: target.id, text: "Да, подойдёт.", deadline: bed.deadline)
            try #require(bed.host.moderateAnswers(ofQuestion: target.id, to: "MODERATION_FAILED", questionStatus: .viewed) != nil)
            // then: the item is unanswered, with the answer and its state
            let item = try await question.item(id: target.id, includeRaw: false, deadline: bed.deadline)
            #expect(item.status == .unanswered)
            #expect(item.reply?.text == "Да, подойдёт.")
            #expect(item.reply?.state == "MODERATION_FAILED")
            // and the lists agree, whichever filter
            #expect(try await bed.listAll(question, limit: 7, status: .unanswered).contains { $0.id == target.id })
            #expect(try await !bed.listAll(question, limit: 7, status: .answered).contains { $0.id == target.id })
            #expect(try await bed.listAll(question, limit: 7).first { $0.id == target.id }?.status == .unanswered)
            // and so do updates
            var page = try await question.updates(since: nil, limit: 100, deadline: bed.deadline)
            var seen = page.items.filter { $0.id == target.id }
            for _ in 0..<50 where page.hasMore {
                page = try await question.updates(since: page.nextCursor, limit: 100, deadline: bed.deadline)
                seen += page.items.filter { $0.id == target.id }
            }
            #expect(!seen.isEmpty && seen.allSatisfy { $0.status == .unanswered })
            // when: a second answer stands, then it is answered, and that answer is the reply
            _ = try await question.reply(to: target.id, text: "Да, подойдёт к модели 2024 года.", deadline: bed.deadline)
            try #require(bed.host.moderateAnswers(ofQuestion: target.id, [try #require(bed.host.question(id: target.id)?.answers.last?.id)],
                                                  to: "PUBLISHED", questionStatus: .viewed) != nil)
            let answered = try await question.item(id: target.id, includeRaw: false, deadline: bed.deadline)
            #expect(answered.status == .answered)
            #expect(answered.reply?.text == "Да, подойдёт к модели 2024 года.")
            #expect(try await bed.listAll(question, limit: 7, status: .answered).contains { $0.id == target.id })
        }
    }

    @Test("given a question Ozon processed, whose answer moderation turned down, then it stays answered: Ozon counts it handled",
          .timeLimit(.minutes(1)))
    func turnedDownButProcessed() async throws {
        try await OzonTestbed.run { bed in
            let target = try #require(bed.host.questions().first { $0.answers.isEmpty })
            _ = try await bed.question.reply(to: target.id, text: "Да, подойдёт.", deadline: bed.deadline)
            try #require(bed.host.moderateAnswers(ofQuestion: target.id, to: "DUPLICATE", questionStatus: .processed) != nil)
            let item = try await bed.question.item(id: target.id, includeRaw: false, deadline: bed.deadline)
            #expect(item.status == .answered)
            #expect(item.reply?.state == "DUPLICATE")
            let before = bed.log.count(path: "/v1/question/answer/list")
            #expect(try await bed.listAll(bed.question, limit: 100, status: .answered).contains { $0.id == target.id })
            #expect(bed.log.count(path: "/v1/question/answer/list") == before, "a processed question's answers are not read for a list")
        }
    }

    @Test("a reply answers with the question's sku and counts as an answer", .timeLimit(.minutes(1)))
    func reply() async throws {
        try await OzonTestbed.run { bed in
            let target = try #require(bed.host.questions().first { $0.answers.isEmpty })
            let receipt = try await bed.question.reply(to: target.id, text: "Да, в наличии.", deadline: bed.deadline)
            let stored = try #require(bed.host.question(id: target.id))
            #expect(receipt.replyID == stored.answers.last?.id)
            #expect(stored.answers.last?.text == "Да, в наличии.")
            let item = try await bed.question.item(id: target.id, includeRaw: false, deadline: bed.deadline)
            #expect(item.status == .answered)
            await #expect(throws: ConnectorError.invalidRequest(field: "text", reason: "text must be 2…3000 characters, got 1.")) {
                try await bed.question.reply(to: target.id, text: "Д", deadline: bed.deadline)
            }
            await #expect(throws: ConnectorError.invalidRequest(field: "text", reason: "text must be 2…3000 characters, got 3001.")) {
                try await bed.question.reply(to: target.id, text: String(repeating: "a", count: 3001), deadline: bed.deadline)
            }
            #expect(bed.log.count(path: "/v1/question/answer/create") == 1)
        }
    }

    @Test("marking read moves a new question to VIEWED and leaves a processed one processed", .timeLimit(.minutes(1)))
    func markRead() async throws {
        try await OzonTestbed.run { bed in
            let fresh = try #require(bed.host.questions().first { $0.status == .new })
            let processed = try #require(bed.host.questions().first { $0.status == .processed })
            try await bed.question.markRead(id: fresh.id, deadline: bed.deadline)
            try await bed.question.markRead(id: processed.id, deadline: bed.deadline)
            #expect(bed.host.question(id: fresh.id)?.status == .viewed)
            #expect(bed.host.question(id: processed.id)?.status == .processed)
            #expect(bed.log.count(path: "/v1/question/change-status") == 1)
            let item = try await bed.question.item(id: fresh.id, includeRaw: false, deadline: bed.deadline)
            #expect(item.read == true)
        }
    }

    @Test("given a reply to a new question on its way, when a mark-read of it comes meanwhile, then it waits for the reply and leaves the answered question processed, sending nothing",
          .timeLimit(.minutes(1)))
    func markReadWaitsForAReply() async throws {
        try await OzonTestbed.run { bed in
            // given: a reply whose answer Ozon takes a while to create
            let fresh = try #require(bed.host.questions().first { $0.status == .new })
            bed.faults.inject(.latency(.seconds(1)), times: 1, pathPrefix: "/v1/question/answer/create")
            let question = try bed.question
            let deadline = bed.deadline
            let reply = Task { try await question.reply(to: fresh.id, text: "Да, в наличии.", deadline: deadline) }
            for _ in 0..<1000 where bed.faults.pending > 0 { try await Task.sleep(for: .milliseconds(5)) }
            try #require(bed.faults.pending == 0, "the reply never reached answer/create")
            // when
            try await question.markRead(id: fresh.id, deadline: deadline)
            _ = try await reply.value
            // then: read once the answer was in, the question was processed: no status sent
            #expect(bed.host.question(id: fresh.id)?.status == .processed)
            #expect(bed.log.count(path: "/v1/question/change-status") == 0)
        }
    }

    @Test("given an Ozon that serves only change_status, then marking read finds it and keeps to it", .timeLimit(.minutes(1)))
    func markReadOtherSpelling() async throws {
        var options = OzonTestbed.simulatorOptions()
        options.withdrawnPaths = ["/v1/question/change-status"]
        try await OzonTestbed.run(simulator: options) { bed in
            let fresh = bed.host.questions().filter { $0.status == .new }
            try #require(fresh.count >= 2)
            try await bed.question.markRead(id: fresh[0].id, deadline: bed.deadline)
            try await bed.question.markRead(id: fresh[1].id, deadline: bed.deadline)
            #expect(bed.host.question(id: fresh[0].id)?.status == .viewed)
            #expect(bed.host.question(id: fresh[1].id)?.status == .viewed)
            #expect(bed.log.count(path: "/v1/question/change-status") == 1)
            #expect(bed.log.count(path: "/v1/question/change_status") == 2)
        }
    }

    @Test("a question that does not exist is itemNotFound", .timeLimit(.minutes(1)))
    func missingQuestion() async throws {
        try await OzonTestbed.run { bed in
            let id = "0190d9c4-0000-7000-8000-00000000abcd"
            await #expect(throws: ConnectorError.itemNotFound(id: id)) {
                try await bed.question.item(id: id, includeRaw: false, deadline: bed.deadline)
            }
            await #expect(throws: ConnectorError.itemNotFound(id: id)) {
                try await bed.question.reply(to: id, text: "Ответ", deadline: bed.deadline)
            }
            await #expect(throws: ConnectorError.itemNotFound(id: id)) {
                try await bed.question.markRead(id: id, deadline: bed.deadline)
            }
        }
    }

    @Test("questions keep working without the subscription, as Ozon's do", .timeLimit(.minutes(1)))
    func noSubscriptionNeeded() async throws {
        try await OzonTestbed.run { bed in
            bed.simulator.setSubscription(false)
            let page = try await bed.question.listItems(ListQuery(limit: 5), deadline: bed.deadline)
            #expect(page.items.count == 5)
        }
    }

    @Test("updates resume without loss or repeats as questions keep arriving", .timeLimit(.minutes(1)))
    func updates() async throws {
        try await OzonTestbed.run(simulator: OzonTestbed.simulatorOptions(questions: 12)) { bed in
            let connector = try bed.question
            var seen: [String] = []
            var page = try await connector.updates(since: nil, limit: 5, deadline: bed.deadline)
            seen += page.items.map(\.id)
            let instant = Date()
            for k in 0..<3 {
                bed.simulator.addQuestion(text: "Question \(k)?", publishedAt: instant)
                page = try await connector.updates(since: page.nextCursor, limit: 5, deadline: bed.deadline)
                seen += page.items.map(\.id)
            }
            while page.hasMore {
                page = try await connector.updates(since: page.nextCursor, limit: 5, deadline: bed.deadline)
                seen += page.items.map(\.id)
            }
            let all = bed.host.questions()
            #expect(seen.count == all.count)
            #expect(Set(seen) == Set(all.map(\.id)))
            let quiet = try await connector.updates(since: page.nextCursor, limit: 5, deadline: bed.deadline)
            #expect(quiet.items.isEmpty)
            let late = bed.simulator.addQuestion(text: "Late?")
            let news = try await connector.updates(since: quiet.nextCursor, limit: 5, deadline: bed.deadline)
            #expect(news.items.map(\.id) == [late.id])
        }
    }

    @Test("given an Ozon whose question list ignores sort_dir, with more questions than a call reads, when updates are drained, then every question comes once, oldest first",
          .timeLimit(.minutes(1)))
    func updatesOutOfOrder() async throws {
        // given: 2,150 questions, listed newest first whatever is asked (22 pages of 100)
        var options = OzonTestbed.simulatorOptions(questions: 2150)
        options.listsIgnoreSortDirection = true
        try await OzonTestbed.run(simulator: options) { bed in
            let connector = try bed.question
            // Oldest first to the millisecond (the simulator keeps microseconds), ties by id.
            let truth = bed.host.questions().sorted { ($0.publishedAt / 1000, $0.id) < ($1.publishedAt / 1000, $1.id) }.map(\.id)
            // when
            let (seen, hasMore) = try await bed.drainUpdates(connector, limit: 100)
            // then
            #expect(!hasMore)
            #expect(seen == truth)
            #expect(bed.log.all.contains { $0.path == "/v1/question/list" })
        }
    }

    @Test("given many questions Ozon has not processed that have answers, when updates are read one at a time, then answers are read only for the question returned",
          .timeLimit(.minutes(1)))
    func updatesReadAnswersOfWhatTheyReturn() async throws {
        var options = OzonTestbed.simulatorOptions(questions: 300)
        options.listsIgnoreSortDirection = true
        try await OzonTestbed.run(simulator: options) { bed in
            let connector = try bed.question
            // given: every question answered, its answer standing, the question back to viewed
            try await answerEveryQuestion(connector, bed)
            let before = bed.log.all.filter { $0.path == "/v1/question/answer/list" }.count
            // when
            let page = try await connector.updates(since: nil, limit: 1, deadline: bed.deadline)
            // then
            #expect(page.items.count == 1)
            #expect(page.items.first?.status == .answered)
            // (one question's answers take a call a page, and one more to find no further page: five at most)
            let read = bed.log.all.filter { $0.path == "/v1/question/answer/list" }.count - before
            #expect(read <= 5, "\(read) answer pages read for one question returned")
        }
    }

    @Test("given many questions Ozon has not processed that have answers, when a filtered list asks for one, then answers are read only for the few it looks at together, not for Ozon's whole page",
          .timeLimit(.minutes(1)))
    func listsReadAnswersOfWhatTheyLookAt() async throws {
        try await OzonTestbed.run(simulator: OzonTestbed.simulatorOptions(questions: 300)) { bed in
            let connector = try bed.question
            try await answerEveryQuestion(connector, bed)
            let before = bed.log.all.filter { $0.path == "/v1/question/answer/list" }.count
            let page = try await connector.listItems(ListQuery(status: .answered, limit: 1), deadline: bed.deadline)
            #expect(page.items.count == 1)
            // the eight it looks at together, five answer pages each at most (Ozon's page holds 100)
            let read = bed.log.all.filter { $0.path == "/v1/question/answer/list" }.count - before
            #expect(read <= 8 * 5, "\(read) answer pages read for one question listed")
        }
    }

    @Test("given questions whose every answer moderation turned down, when their answers cannot be read for a while, then lists and updates fail rather than show them answered; refused for good, they keep their entry's status",
          .timeLimit(.minutes(1)))
    func unreadableAnswersFailTheCall() async throws {
        try await OzonTestbed.run(connectors: { $0.retry = .none }) { bed in
            let connector = try bed.question
            let target = try #require(bed.host.questions().first { $0.answers.isEmpty })
            _ = try await connector.reply(to: target.id, text: "Да, подойдёт.", deadline: bed.deadline)
            try #require(bed.host.moderateAnswers(ofQuestion: target.id, to: "MODERATION_FAILED", questionStatus: .viewed) != nil)
            bed.faults.inject(.serverError(status: 500), times: 10_000, pathPrefix: "/v1/question/answer/list")
            let listed = try? await bed.listAll(connector, limit: 100, status: .unanswered)
            #expect(listed == nil, "the unanswered list left the question out: \(listed?.count ?? 0) listed")
            let updated = await ozonError { () async throws(ConnectorError) in
                var page = try await connector.updates(since: nil, limit: 100, deadline: bed.deadline)
                for _ in 0..<50 where page.hasMore { page = try await connector.updates(since: page.nextCursor, limit: 100, deadline: bed.deadline) }
            }
            #expect(updated != nil, "updates reported the question answered")
            // and when Ozon refuses those reads for good, the lists go on, the entry's status kept
            bed.faults.clear()
            bed.faults.inject(.serverError(status: 400), times: 10_000, pathPrefix: "/v1/question/answer/list")
            let listed2 = try await bed.listAll(connector, limit: 100)
            #expect(listed2.first { $0.id == target.id }?.status == .answered)
        }
    }

    /// Answers every question without one, and leaves each with standing answers, back to
    /// `VIEWED`: questions whose list entry cannot say whether they are answered.
    func answerEveryQuestion(_ connector: OzonQuestionConnector, _ bed: OzonTestbed) async throws {
        for question in bed.host.questions() {
            if question.answers.isEmpty { _ = try await connector.reply(to: question.id, text: "Да, подойдёт.", deadline: bed.deadline) }
            try #require(bed.host.moderateAnswers(ofQuestion: question.id, to: "PUBLISHED", questionStatus: .viewed) != nil)
        }
    }
}

import Connectors
import Foundation
import MarketplaceSimulator
import Marketplaces
import Testing

@Suite("Wildberries question connector")
struct WildberriesQuestionConnectorTests {
    typealias Env = WildberriesTestEnvironment

    @Test("answering each page before asking for the next skips none of the unanswered", .timeLimit(.minutes(1)))
    func answerWhilePaging() async throws {
        try await Env.with { env in
            // Given: more unanswered questions than three pages of 4
            let unanswered = env.simulator.feedbacks.questions.filter { $0.answer == nil }.map(\.id)
            #expect(unanswered.count > 12)
            // When: a client answers every item of a page, then asks for the next page
            let listed = try await listAnsweringEachPage(env.question, limit: 4, text: "Да, подходит.", deadline: { Env.deadline })
            // Then: every one of them was listed, newest first, once
            #expect(listed == unanswered)
            #expect(env.simulator.feedbacks.questions.allSatisfy { $0.answer != nil })
        }
    }

    @Test("questions page past the take+skip cap in both phases, each once", .timeLimit(.minutes(1)))
    func pastCaps() async throws {
        try await Env.with { env in
            let all = env.simulator.feedbacks.questions
            #expect(all.count > 15)
            let (items, _) = try await Env.walk(env.question, ListQuery(status: nil, limit: 6))
            #expect(items.map(\.id) == all.filter { $0.answer == nil }.map(\.id) + all.filter { $0.answer != nil }.map(\.id))
            #expect(env.simulator.feedbacksLog.all.allSatisfy { $0.status == 200 })
            let (answered, _) = try await Env.walk(env.question, ListQuery(status: .answered, limit: 4))
            #expect(answered.map(\.id) == all.filter { $0.answer != nil }.map(\.id))
            #expect(answered.allSatisfy { $0.status == .answered && $0.reply != nil })
        }
    }

    @Test("one question reads with its product, answer and viewed flag", .timeLimit(.minutes(1)))
    func item() async throws {
        try await Env.with { env in
            let truth = try #require(env.simulator.feedbacks.questions.first { $0.answer != nil })
            let item = try await env.question.item(id: truth.id, includeRaw: true, deadline: Env.deadline)
            #expect(item.kind == .question)
            #expect(item.text == truth.text)
            #expect(item.status == .answered)
            #expect(item.reply?.text == truth.answer?.text)
            #expect(item.reply?.createdAt?.millisecondsSinceEpoch == truth.answer?.createdAt)
            #expect(item.reply?.state == truth.state)
            #expect(item.product?.id == String(truth.product.nmId))
            #expect(item.read == truth.wasViewed)
            #expect(item.createdAt.millisecondsSinceEpoch == truth.createdAt)
            #expect(item.raw?["id"] == .string(truth.id))
        }
    }

    @Test("a reply answers with state wbRu and the question moves to answered", .timeLimit(.minutes(1)))
    func reply() async throws {
        try await Env.with { env in
            let target = try #require(env.simulator.feedbacks.questions.first { $0.answer == nil })
            let receipt = try await env.question.reply(to: target.id, text: "Да, размер 56 в наличии.", deadline: Env.deadline)
            #expect(receipt.itemID == target.id)
            let stored = try #require(env.simulator.feedbacks.question(id: target.id))
            #expect(stored.answer?.text == "Да, размер 56 в наличии.")
            #expect(stored.state == "wbRu")
            #expect(env.simulator.feedbacksLog.count(path: "/api/v1/questions", method: "PATCH") == 1)
            let (answered, _) = try await Env.walk(env.question, ListQuery(status: .answered, limit: 100))
            #expect(answered.contains { $0.id == target.id })
        }
    }

    @Test("given two replies with the same text sent together, when the first's write is slow, then the second waits for it, finds the answer there and writes nothing", .timeLimit(.minutes(1)))
    func concurrentRepliesWriteOnce() async throws {
        try await Env.with { env in
            // given: an unanswered question, and a write the simulator holds for a while, so that
            // without the item's lock the second reply would read the question before it lands
            let target = try #require(env.simulator.feedbacks.questions.first { $0.answer == nil })
            env.simulator.feedbacksFaults.inject(.latency(.milliseconds(300)), times: 1, pathPrefix: "/api/v1/questions")
            // when
            async let first = env.question.reply(to: target.id, text: "Да, подходит.", deadline: Env.deadline)
            async let second = env.question.reply(to: target.id, text: "Да, подходит.", deadline: Env.deadline)
            let receipts = try await [first, second]
            // then
            #expect(receipts.map(\.itemID) == [target.id, target.id])
            #expect(env.simulator.feedbacksLog.count(path: "/api/v1/questions", method: "PATCH") == 1,
                    "a second write would spend the answer's one edit")
            #expect(env.simulator.feedbacks.question(id: target.id)?.answer?.text == "Да, подходит.")
        }
    }

    @Test("the same answer sent again writes nothing, so the one edit is left for a real change", .timeLimit(.minutes(1)))
    func repeatedReply() async throws {
        try await Env.with { env in
            let target = try #require(env.simulator.feedbacks.questions.first { $0.answer == nil })
            _ = try await env.question.reply(to: target.id, text: "Да, подходит.", deadline: Env.deadline)
            // when: the same text again (a client retrying after a lost response), then a new one
            _ = try await env.question.reply(to: target.id, text: " Да, подходит.\n", deadline: Env.deadline)
            #expect(env.simulator.feedbacksLog.count(path: "/api/v1/questions", method: "PATCH") == 1)
            // other words: refused unsent unless they replace the answer
            await #expect(throws: ConnectorError.self) {
                _ = try await env.question.reply(to: target.id, text: "Да, подходит к модели 2024 года.", deadline: Env.deadline)
            }
            #expect(env.simulator.feedbacksLog.count(path: "/api/v1/questions", method: "PATCH") == 1)
            _ = try await env.question.reply(to: target.id, text: "Да, подходит к модели 2024 года.", replacing: true, deadline: Env.deadline)
            #expect(env.simulator.feedbacksLog.count(path: "/api/v1/questions", method: "PATCH") == 2)
            #expect(env.simulator.feedbacks.question(id: target.id)?.answer?.text == "Да, подходит к модели 2024 года.")
        }
    }

    @Test("given a question the seller hid (state none) with some text, when that very text is sent as a reply, then it is sent, and the question is published",
          .timeLimit(.minutes(1)))
    func replyToHiddenQuestion() async throws {
        try await Env.with { env in
            let target = try #require(env.simulator.feedbacks.questions.first { $0.answer == nil })
            try #require(env.simulator.feedbacks.hideQuestion(id: target.id, text: "Спасибо за вопрос", now: 1_764_000_000_000))
            _ = try await env.question.reply(to: target.id, text: "Спасибо за вопрос", deadline: Env.deadline)
            #expect(env.simulator.feedbacksLog.count(path: "/api/v1/questions", method: "PATCH") == 1)
            #expect(env.simulator.feedbacks.question(id: target.id)?.state == "wbRu")
        }
    }

    @Test("a reply to an unknown question is itemNotFound", .timeLimit(.minutes(1)))
    func unknownReply() async throws {
        try await Env.with { env in
            await #expect(throws: ConnectorError.itemNotFound(id: "nosuchquestion000000")) {
                _ = try await env.question.reply(to: "nosuchquestion000000", text: "Ответ", deadline: Env.deadline)
            }
            await #expect(throws: ConnectorError.itemNotFound(id: "nosuchquestion000000")) {
                try await env.question.markRead(id: "nosuchquestion000000", deadline: Env.deadline)
            }
        }
    }

    @Test("mark read sets wasViewed upstream", .timeLimit(.minutes(1)))
    func markRead() async throws {
        try await Env.with { env in
            let target = try #require(env.simulator.feedbacks.questions.first { !$0.wasViewed })
            try await env.question.markRead(id: target.id, deadline: Env.deadline)
            #expect(env.simulator.feedbacks.question(id: target.id)?.wasViewed == true)
            let item = try await env.question.item(id: target.id, includeRaw: false, deadline: Env.deadline)
            #expect(item.read == true)
        }
    }

    @Test("a blank answer is refused before any call", .timeLimit(.minutes(1)))
    func blank() async throws {
        try await Env.with { env in
            await #expect {
                _ = try await env.question.reply(to: "x", text: " \n ", deadline: Env.deadline)
            } throws: { error in
                guard case ConnectorError.invalidRequest(let field, _) = error else { return false }
                return field == "text"
            }
            #expect(env.simulator.feedbacksLog.total == 0)
        }
    }

    @Test("updates walk every question once and then only the new ones", .timeLimit(.minutes(1)))
    func updates() async throws {
        try await Env.with { env in
            var seen: [String] = []
            var cursor: Cursor?
            for _ in 0..<40 {
                let page = try await env.question.updates(since: cursor, limit: 5, deadline: Env.deadline)
                seen += page.items.map(\.id)
                cursor = page.nextCursor
                if !page.hasMore { break }
            }
            #expect(seen.count == Set(seen).count)
            #expect(Set(seen) == Set(env.simulator.feedbacks.questions.map(\.id)))
            let added = [env.simulator.addQuestion(text: "Есть ли доставка в Минск?"), env.simulator.addQuestion(text: "Is it waterproof?")]
            var fresh: [Item] = []
            for _ in 0..<5 {
                let page = try await env.question.updates(since: cursor, limit: 1, deadline: Env.deadline)
                fresh += page.items
                cursor = page.nextCursor
                if !page.hasMore && page.items.isEmpty { break }
            }
            #expect(fresh.map(\.id).sorted() == added.map(\.id).sorted())
            #expect(fresh.allSatisfy { $0.status == .unanswered })
        }
    }
}

import Foundation
import MarketplaceSimulator
import Testing

@Suite("Wildberries feedbacks host simulator")
struct WildberriesFeedbacksHostTests {
    @Test("a list without isAnswered is refused with the legacy envelope", .timeLimit(.minutes(1)))
    func isAnsweredRequired() async throws {
        try await WildberriesTestTokens.withSimulator { simulator in
            let answer = try await WildberriesRawClient(base: simulator.feedbacksURL).send("GET", "/api/v1/feedbacks?take=10&skip=0")
            #expect(answer.status == 400)
            #expect(answer.json["error"] as? Bool == true)
            #expect(answer.json["errorText"] as? String == "Плохой формат isAnswered")
            #expect(answer.json["data"] is NSNull)
            #expect(answer.json["requestId"] is String)
        }
    }

    @Test("take and skip beyond the configured caps are refused; within them a page comes back", .timeLimit(.minutes(1)))
    func caps() async throws {
        let options = WildberriesTestTokens.options { $0.feedbacksMaxTake = 7; $0.feedbacksMaxSkip = 12; $0.questionsMaxTotal = 9 }
        try await WildberriesTestTokens.withSimulator(options) { simulator in
            let client = WildberriesRawClient(base: simulator.feedbacksURL)
            #expect(try await client.send("GET", "/api/v1/feedbacks?isAnswered=false&take=8&skip=0").status == 400)
            #expect(try await client.send("GET", "/api/v1/feedbacks?isAnswered=false&take=7&skip=13").status == 400)
            let ok = try await client.send("GET", "/api/v1/feedbacks?isAnswered=false&take=7&skip=12")
            #expect(ok.status == 200)
            #expect(ok.json["error"] as? Bool == false)
            // Questions cap the sum of take and skip.
            #expect(try await client.send("GET", "/api/v1/questions?isAnswered=true&take=5&skip=5").status == 400)
            #expect(try await client.send("GET", "/api/v1/questions?isAnswered=true&take=5&skip=4").status == 200)
        }
    }

    @Test("given archived feedbacks, then the list leaves them out and the archive lists only them, newest first, answered or not",
          .timeLimit(.minutes(1)))
    func archive() async throws {
        try await WildberriesTestTokens.withSimulator { simulator in
            // given
            let all = simulator.feedbacks.feedbacks
            let moved = [all.last { $0.answer == nil }, all.last { $0.answer != nil }].compactMap { $0 }
            #expect(moved.count == 2)
            for feedback in moved { simulator.feedbacks.archiveFeedback(id: feedback.id) }
            let client = WildberriesRawClient(base: simulator.feedbacksURL)
            // when
            let archive = try await client.send("GET", "/api/v1/feedbacks/archive?take=10&skip=0&order=dateDesc")
            var listed: [String] = []
            for side in ["false", "true"] {
                let page = try await client.send("GET", "/api/v1/feedbacks?isAnswered=\(side)&take=5000&skip=0")
                listed += ((page.json["data"] as? [String: Any])?["feedbacks"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            }
            // then
            #expect(archive.status == 200)
            let data = archive.json["data"] as? [String: Any]
            #expect((data?["feedbacks"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
                    == moved.sorted { $0.createdAt > $1.createdAt }.map(\.id))
            #expect(data?["countArchive"] == nil)
            #expect(Set(listed) == Set(all.map(\.id)).subtracting(moved.map(\.id)))
            #expect(try await client.send("GET", "/api/v1/feedbacks/archive?skip=0").status == 400)
            #expect(try await client.send("GET", "/api/v1/feedbacks/archive?take=5001&skip=0").status == 400)
            #expect(try await client.send("GET", "/api/v1/feedbacks/archive?take=1&skip=0&order=new").status == 400)
        }
    }

    @Test("pages follow isAnswered, order and the inclusive date window", .timeLimit(.minutes(1)))
    func paging() async throws {
        try await WildberriesTestTokens.withSimulator { simulator in
            let client = WildberriesRawClient(base: simulator.feedbacksURL)
            let truth = simulator.feedbacks.feedbacks.filter { $0.answer == nil }
            var ids: [String] = []
            var skip = 0
            while true {
                let page = try await client.send("GET", "/api/v1/feedbacks?isAnswered=false&take=4&skip=\(skip)&order=dateAsc")
                let data = page.json["data"] as? [String: Any]
                let feedbacks = data?["feedbacks"] as? [[String: Any]] ?? []
                ids += feedbacks.compactMap { $0["id"] as? String }
                #expect(data?["countUnanswered"] as? Int == truth.count)
                if feedbacks.count < 4 { break }
                skip += 4
            }
            #expect(ids == truth.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }.map(\.id))
            let newest = truth[0]
            let second = newest.createdAt / 1000
            let window = try await client.send("GET", "/api/v1/feedbacks?isAnswered=false&take=100&skip=0&dateFrom=\(second)&dateTo=\(second)")
            let inWindow = ((window.json["data"] as? [String: Any])?["feedbacks"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(inWindow.contains(newest.id))
        }
    }

    @Test("both the raw token and the Bearer form are accepted, and carry X-Ratelimit-Remaining", .timeLimit(.minutes(1)))
    func authForms() async throws {
        try await WildberriesTestTokens.withSimulator { simulator in
            let client = WildberriesRawClient(base: simulator.feedbacksURL)
            let raw = try await client.send("GET", "/api/v1/questions/count-unanswered", authorization: WildberriesTestTokens.demo)
            let bearer = try await client.send("GET", "/api/v1/questions/count-unanswered",
                                               authorization: "Bearer " + WildberriesTestTokens.demo)
            #expect(raw.status == 200)
            #expect(bearer.status == 200)
            #expect(raw.header("X-Ratelimit-Remaining") != nil)
            #expect((raw.json["data"] as? [String: Any])?["countUnanswered"] as? Int
                == simulator.feedbacks.questions.count { $0.answer == nil })
        }
    }

    @Test("missing, malformed, unknown and wrong-category tokens get 401 problem+json", .timeLimit(.minutes(1)))
    func unauthorized() async throws {
        try await WildberriesTestTokens.withSimulator { simulator in
            let feedbacks = WildberriesRawClient(base: simulator.feedbacksURL)
            let chat = WildberriesRawClient(base: simulator.chatURL)
            let unknown = WildberriesToken.make(sellerID: "00000000-0000-4000-8000-000000000000", categories: [.feedbacks])
            let answers = [
                try await feedbacks.send("GET", "/api/v1/feedbacks/count-unanswered", authorization: nil),
                try await feedbacks.send("GET", "/api/v1/feedbacks/count-unanswered", authorization: "not-a-jwt"),
                try await feedbacks.send("GET", "/api/v1/feedbacks/count-unanswered", authorization: unknown),
                try await chat.send("GET", "/api/v1/seller/chats", authorization: WildberriesTestTokens.feedbacksOnly),
            ]
            for answer in answers {
                #expect(answer.status == 401)
                #expect(answer.header("Content-Type")?.hasPrefix("application/problem+json") == true)
                for field in ["title", "detail", "code", "requestId", "origin", "statusText", "timestamp"] {
                    #expect(answer.json[field] is String, "missing \(field)")
                }
                #expect(answer.json["status"] as? Int == 401)
            }
            #expect((answers[3].json["detail"] as? String)?.contains("category") == true)
        }
    }

    @Test("an answer to a bogus feedback id is 204 and changes nothing; a real one moves it to answered", .timeLimit(.minutes(1)))
    func answerQuirk() async throws {
        try await WildberriesTestTokens.withSimulator { simulator in
            let client = WildberriesRawClient(base: simulator.feedbacksURL)
            let before = simulator.feedbacks.feedbacks
            let bogus = try await client.json("POST", "/api/v1/feedbacks/answer", ["id": "nosuchfeedback000000", "text": "Спасибо!"])
            #expect(bogus.status == 204)
            #expect(bogus.body.isEmpty)
            #expect(simulator.feedbacks.feedbacks == before)

            let target = try #require(before.first { $0.answer == nil })
            #expect(try await client.json("POST", "/api/v1/feedbacks/answer", ["id": target.id, "text": "x"]).status == 400)
            #expect(try await client.json("POST", "/api/v1/feedbacks/answer", ["id": target.id, "text": "Спасибо за отзыв!"]).status == 204)
            #expect(simulator.feedbacks.feedback(id: target.id)?.answer?.text == "Спасибо за отзыв!")
            let answered = try await client.send("GET", "/api/v1/feedbacks?isAnswered=true&take=100&skip=0")
            let ids = ((answered.json["data"] as? [String: Any])?["feedbacks"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(ids.contains(target.id))

            // The answer may be edited once.
            #expect(try await client.json("PATCH", "/api/v1/feedbacks/answer", ["id": target.id, "text": "Исправленный ответ"]).status == 204)
            #expect(try await client.json("PATCH", "/api/v1/feedbacks/answer", ["id": target.id, "text": "Ещё раз"]).status == 422)
            #expect(simulator.feedbacks.feedback(id: target.id)?.answer?.text == "Исправленный ответ")
        }
    }

    @Test("PATCH /api/v1/questions marks viewed, answers, and 404s an unknown id", .timeLimit(.minutes(1)))
    func questionPatch() async throws {
        try await WildberriesTestTokens.withSimulator { simulator in
            let client = WildberriesRawClient(base: simulator.feedbacksURL)
            let question = try #require(simulator.feedbacks.questions.first { $0.answer == nil && !$0.wasViewed })
            let viewed = try await client.json("PATCH", "/api/v1/questions", ["id": question.id, "wasViewed": true])
            #expect(viewed.status == 200)
            #expect(viewed.json["data"] is NSNull)
            #expect(simulator.feedbacks.question(id: question.id)?.wasViewed == true)

            let answer = try await client.json("PATCH", "/api/v1/questions",
                                               ["id": question.id, "answer": ["text": "Да, есть."], "state": "wbRu"])
            #expect(answer.status == 200)
            #expect(simulator.feedbacks.question(id: question.id)?.answer?.text == "Да, есть.")
            #expect(simulator.feedbacks.question(id: question.id)?.state == "wbRu")

            let missing = try await client.json("PATCH", "/api/v1/questions", ["id": "nosuchquestion000000", "wasViewed": true])
            #expect(missing.status == 404)
            #expect(missing.json["errorText"] as? String == "Не найден вопрос")
        }
    }

    @Test("an unknown path gets the API gateway's 404 body", .timeLimit(.minutes(1)))
    func unknownPath() async throws {
        try await WildberriesTestTokens.withSimulator { simulator in
            let answer = try await WildberriesRawClient(base: simulator.feedbacksURL).send("GET", "/api/v2/feedbacks")
            #expect(answer.status == 404)
            #expect(answer.json["title"] as? String == "path not found")
        }
    }

    @Test("the same seed gives the same data", .timeLimit(.minutes(1)))
    func deterministic() {
        let date = Date(timeIntervalSince1970: 1_780_000_000)
        let a = WildberriesSimulator(options: WildberriesTestTokens.options { $0.referenceDate = date })
        let b = WildberriesSimulator(options: WildberriesTestTokens.options { $0.referenceDate = date })
        let c = WildberriesSimulator(options: WildberriesTestTokens.options { $0.referenceDate = date; $0.seed = 43 })
        #expect(a.feedbacks.feedbacks == b.feedbacks.feedbacks)
        #expect(a.feedbacks.questions == b.feedbacks.questions)
        #expect(a.chats.events == b.chats.events)
        #expect(a.feedbacks.feedbacks.map(\.id) != c.feedbacks.feedbacks.map(\.id))
        let texts = a.feedbacks.feedbacks.map(\.text).joined()
        #expect(texts.contains { ("а"..."я").contains($0) })
        #expect(texts.contains { ("a"..."z").contains($0) })
    }
}

import Foundation
import MarketplaceSimulator
import Testing

@Suite("Ozon simulator speaks like api-seller.ozon.ru")
struct OzonSimulatorTests {
    static func options(rate: Double = 10_000, burst: Int = 10_000) -> OzonSimulatorOptions {
        OzonSimulatorOptions(seed: 7, reviewCount: 30, questionCount: 12, chatCount: 4, messagesPerChat: 5,
                             anchor: Date(timeIntervalSince1970: 1_778_747_477), requestsPerSecond: rate, burst: burst)
    }

    /// Runs `body` against a started simulator and stops it afterwards, whatever happens.
    func withSimulator(_ options: OzonSimulatorOptions, _ body: (OzonSimulator) async throws -> Void) async throws {
        let simulator = try OzonSimulator(options: options)
        do {
            try await body(simulator)
        } catch {
            await simulator.stop()
            throw error
        }
        await simulator.stop()
    }

    func client(_ simulator: OzonSimulator) -> OzonRawClient {
        OzonRawClient(baseURL: simulator.baseURL, clientID: String(simulator.account.clientID), apiKey: simulator.account.apiKey)
    }

    @Test("missing headers are 401 code 16, a non-numeric Client-Id 400 code 3, a wrong Api-Key 404 code 5", .timeLimit(.minutes(1)))
    func authentication() async throws {
        try await withSimulator(Self.options()) { simulator in
            var anonymous = client(simulator)
            anonymous.apiKey = nil
            let missing = try await anonymous.post("/v1/question/list")
            #expect(missing.status == 401)
            #expect(missing.json["code"] as? Int == 16)
            #expect(missing.json["message"] as? String == "Client-Id and Api-Key headers are required")

            var textual = client(simulator)
            textual.clientID = "seller-one"
            let badClient = try await textual.post("/v1/question/list")
            #expect(badClient.status == 400)
            #expect(badClient.json["code"] as? Int == 3)
            #expect(badClient.json["message"] as? String == "Client-Id header value should be positive integer")

            var wrongKey = client(simulator)
            wrongKey.apiKey = "00000000-0000-0000-0000-000000000000"
            let denied = try await wrongKey.post("/v1/question/list")
            #expect(denied.status == 404)
            #expect(denied.json["code"] as? Int == 5)
            #expect(denied.json["message"] as? String == "Invalid Api-Key, please check the key and try again")

            let fine = try await client(simulator).post("/v1/question/list")
            #expect(fine.status == 200)
        }
    }

    @Test("review limit is validated before the subscription, which then answers 403 code 7", .timeLimit(.minutes(1)))
    func validationBeforeSubscription() async throws {
        try await withSimulator(Self.options()) { simulator in
            simulator.setSubscription(false)
            let tooSmall = try await client(simulator).post("/v2/review/list", #"{"limit": 1}"#)
            #expect(tooSmall.status == 400)
            #expect(tooSmall.json["code"] as? Int == 3)
            #expect((tooSmall.json["message"] as? String)?.hasPrefix("Request validation error") == true)

            let gated = try await client(simulator).post("/v2/review/list", #"{"limit": 20}"#)
            #expect(gated.status == 403)
            #expect(gated.json["code"] as? Int == 7)
            let send = try await client(simulator).post("/v1/chat/send/message", #"{"chat_id": "\#(simulator.host.chats()[0].id)", "text": "Hi"}"#)
            #expect(send.status == 403)
            // Questions are not gated in practice.
            #expect(try await client(simulator).post("/v1/question/list", #"{"limit": 5}"#).status == 200)

            simulator.setSubscription(true)
            let open = try await client(simulator).post("/v2/review/list", #"{"limit": 20}"#)
            #expect(open.status == 200)
            #expect((open.json["reviews"] as? [Any])?.count == 20)
        }
    }

    @Test("an unknown path is Go's plain-text 404 and a GET on a method is 405", .timeLimit(.minutes(1)))
    func unknownPath() async throws {
        try await withSimulator(Self.options()) { simulator in
            let unknown = try await client(simulator).post("/v1/chat/updates")
            #expect(unknown.status == 404)
            #expect(unknown.text == "404 page not found")
            #expect(unknown.header("Content-Type")?.hasPrefix("text/plain") == true)
            let get = try await client(simulator).post("/v3/chat/list", method: "GET")
            #expect(get.status == 405)
        }
    }

    @Test("the per-Client-Id token bucket answers 429 code 8 with retry-after and ratelimit-remaining 0", .timeLimit(.minutes(1)))
    func rateLimit() async throws {
        // Given a bucket of 2 that refills once a minute
        try await withSimulator(Self.options(rate: 1.0 / 60, burst: 2)) { simulator in
            let first = try await client(simulator).post("/v1/question/count")
            let second = try await client(simulator).post("/v1/question/count")
            let third = try await client(simulator).post("/v1/question/count")
            #expect(first.status == 200)
            #expect(first.header("ratelimit-remaining") == "1")
            #expect(second.header("ratelimit-remaining") == "0")
            #expect(third.status == 429)
            #expect(third.json["code"] as? Int == 8)
            #expect(third.json["message"] as? String == "You have reached request rate limit per second")
            #expect(third.header("ratelimit-remaining") == "0")
            #expect(Int(third.header("retry-after") ?? "") ?? 0 >= 1)
            }
    }

    @Test("v3 chat ids are strings beyond 2^53 and history starts inclusively from from_message_id", .timeLimit(.minutes(1)))
    func chatHistoryKeyset() async throws {
        try await withSimulator(Self.options()) { simulator in
            let list = try await client(simulator).post("/v3/chat/list", #"{"limit": 2}"#)
            let chats = try #require(list.json["chats"] as? [[String: Any]])
            #expect(chats.count == 2)
            #expect(list.json["has_next"] as? Bool == true)
            let lastID = try #require(chats[0]["last_message_id"] as? String)
            #expect(UInt64(lastID)! > 1 << 53)
            let chatID = try #require((chats[0]["chat"] as? [String: Any])?["chat_id"] as? String)

            let chat = try #require(simulator.host.chat(id: chatID))
            let middle = chat.messages[2].id
            let forward = try await client(simulator).post(
                "/v3/chat/history", #"{"chat_id": "\#(chatID)", "direction": "Forward", "from_message_id": \#(middle), "limit": 2}"#)
            let messages = try #require(forward.json["messages"] as? [[String: Any]])
            #expect(messages.map { $0["message_id"] as? String } == [String(chat.messages[2].id), String(chat.messages[3].id)])
            #expect(forward.json["has_next"] as? Bool == true)

            let next = try await client(simulator).post("/v3/chat/list", #"{"limit": 100, "cursor": "\#(list.json["cursor"] as! String)"}"#)
            let rest = try #require(next.json["chats"] as? [[String: Any]])
            #expect(rest.count == simulator.host.chats().count - 2)
            #expect(next.json["has_next"] as? Bool == false)
        }
    }

    @Test("replying changes state: a processed comment, a counted answer, a message in history, fewer unread", .timeLimit(.minutes(1)))
    func stateChanges() async throws {
        try await withSimulator(Self.options()) { simulator in
            let review = try #require(simulator.host.reviews().first { $0.status != .processed })
            let comment = try await client(simulator).post(
                "/v1/review/comment/create", #"{"review_id": "\#(review.id)", "text": "Спасибо!", "mark_review_as_processed": true}"#)
            #expect(comment.status == 200)
            #expect(simulator.host.review(id: review.id)?.status == .processed)
            #expect(simulator.host.review(id: review.id)?.comments.last?.text == "Спасибо!")

            let question = try #require(simulator.host.questions().first { $0.answers.isEmpty })
            let wrongSKU = try await client(simulator).post(
                "/v1/question/answer/create", #"{"question_id": "\#(question.id)", "sku": 1, "text": "Да, есть."}"#)
            #expect(wrongSKU.status == 400)
            let answer = try await client(simulator).post(
                "/v1/question/answer/create", #"{"question_id": "\#(question.id)", "sku": "\#(question.sku)", "text": "Да, есть."}"#)
            #expect(answer.status == 200)
            let info = try await client(simulator).post("/v1/question/info", #"{"question_id": "\#(question.id)"}"#)
            #expect(info.json["answers_count"] as? Int == 1)

            for path in ["/v1/question/change-status", "/v1/question/change_status"] {
                let changed = try await client(simulator).post(path, #"{"question_ids": ["\#(question.id)"], "status": "VIEWED"}"#)
                #expect(changed.status == 200)
            }
            #expect(simulator.host.question(id: question.id)?.status == .viewed)

            let chat = simulator.addBuyerMessage("Где мой заказ?")
            #expect(chat.unreadCount == 1)
            let read = try await client(simulator).post(
                "/v2/chat/read", #"{"chat_id": "\#(chat.id)", "from_message_id": "\#(chat.lastMessageID)"}"#)
            #expect(read.json["unread_count"] as? Int == 0)
            let sent = try await client(simulator).post("/v1/chat/send/message", #"{"chat_id": "\#(chat.id)", "text": "Сегодня."}"#)
            #expect(sent.json["result"] as? String == "success")
            #expect(simulator.host.chat(id: chat.id)?.messages.last?.text == "Сегодня.")
        }
    }

    @Test("the same seed gives the same accounts, in Russian and English")
    func deterministicSeed() {
        let a = OzonSellerHost(options: Self.options())
        let b = OzonSellerHost(options: Self.options())
        #expect(a.reviews() == b.reviews())
        #expect(a.questions() == b.questions())
        #expect(a.chats() == b.chats())
        let texts = a.reviews().map(\.text) + a.questions().map(\.text)
        #expect(texts.contains { $0.unicodeScalars.contains { (0x0400...0x04FF).contains($0.value) } })
        #expect(texts.contains { $0.unicodeScalars.first.map { (0x41...0x5A).contains($0.value) } ?? false })
    }
}

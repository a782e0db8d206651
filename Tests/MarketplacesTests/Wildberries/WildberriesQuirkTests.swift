import Connectors
import Foundation
import MarketplaceSimulator
@testable import Marketplaces
import Synchronization
import Testing

/// The connectors against a scripted host, for the answers real Wildberries has given that the
/// simulator does not: every error body shape, and success bodies with loose types.
@Suite("Wildberries connectors reading odd upstream answers")
struct WildberriesQuirkTests {
    struct Scripted {
        let host = WildberriesScriptedHost()
        let server: SimulatorServer
        let review: any ChannelConnector
        let chat: any ChannelConnector
        static let token = "t0ken-of-the-tenant"

        init() throws {
            server = SimulatorServer(host: host)
            try server.start()
            let registry = ConnectorRegistry()
            WildberriesConnectors.register(in: registry,
                                           endpoints: MarketplaceEndpoints(wildberriesFeedbacks: server.baseURL, wildberriesChat: server.baseURL),
                                           options: WildberriesTestEnvironment.connectorOptions { $0.retry = .none })
            let credentials = MarketplaceCredentials(marketplace: .wildberries, fields: ["token": Self.token])
            review = try registry.connector(for: ConnectorKey(.wildberries, .review), tenant: "t", credentials: credentials)
            chat = try registry.connector(for: ConnectorKey(.wildberries, .chat), tenant: "t", credentials: credentials)
        }

        /// The unanswered reviews of one list call whose unanswered side answers `body` and whose
        /// archive is empty.
        func unanswered(_ body: String, includeRaw: Bool) async throws -> ItemPage {
            host.queue(WildberriesQuirkTests.list, json: body)
            host.queue("/api/v1/feedbacks/archive", json: #"{"data":{"feedbacks":[]},"error":false,"errorText":"","additionalErrors":null}"#)
            return try await review.listItems(ListQuery(status: .unanswered, limit: 10, includeRaw: includeRaw),
                                              deadline: WildberriesTestEnvironment.deadline)
        }
    }

    /// The event stream's last page: nothing after 1698045576000.
    static let streamEnd = #"{"result":{"next":1698045576000,"totalEvents":0,"events":[]},"errors":null}"#

    /// Has the connector read the event stream when it holds one event (`event`'s JSON), then its end.
    static func stream(shows event: String, to scripted: Scripted) async throws {
        scripted.host.queue("/api/v1/seller/events", json: #"{"result":{"next":1698045576000,"totalEvents":1,"events":["# + event + #"]},"errors":null}"#)
        scripted.host.queue("/api/v1/seller/events", json: streamEnd)
        _ = try await scripted.chat.updates(since: nil, limit: 10, deadline: WildberriesTestEnvironment.deadline)
    }

    static func with(_ body: (Scripted) async throws -> Void) async throws {
        let scripted = try Scripted()
        do {
            try await body(scripted)
            await scripted.server.stop()
        } catch {
            await scripted.server.stop()
            throw error
        }
    }

    /// A buyer's chat event `id` (its chat is `1:<id>`) at `at`, as the stream writes one.
    static func event(_ id: String, _ at: Int64) -> String {
        #"{"chatID":"1:\#(id)","eventID":"\#(id)","eventType":"message","message":{"text":"\#(id)"},"addTimestamp":\#(at),"sender":"client"}"#
    }

    /// An events page holding `events`, going on from `next`.
    static func page(_ next: Int64, _ events: [String]) -> String {
        #"{"result":{"next":\#(next),"totalEvents":\#(events.count),"events":[\#(events.joined(separator: ","))]},"errors":null}"#
    }

    static let list = "/api/v1/feedbacks"
    static let query = ListQuery(status: .unanswered, limit: 10)

    @Test("every error body shape is classified", .timeLimit(.minutes(1)))
    func errorShapes() async throws {
        let cases: [(status: Int, body: String, type: String, check: @Sendable (ConnectorError) -> Bool)] = [
            (401, "proxy: invalid token", "text/plain", { if case .upstreamAuthFailed(let f) = $0 { f.message == "proxy: invalid token" } else { false } }),
            (403, #"{"data":null,"error":true,"errorText":"Ошибка авторизации","additionalErrors":null,"requestId":"r-1"}"#,
             "application/json", { if case .upstreamAuthFailed(let f) = $0 { f.message == "Ошибка авторизации" && f.requestID == "r-1" && !f.lacksEntitlement } else { false } }),
            (402, #"{"title":"payment required","detail":"Catalog service is out of balance","status":402}"#, "application/problem+json",
             { if case .upstreamAuthFailed(let f) = $0 { f.status == 402 && f.message.contains("out of balance") && f.lacksEntitlement } else { false } }),
            (429, #"{"errors":["(api-new) too many requests"]}"#, "application/json",
             { if case .upstreamRateLimited(_, let f?) = $0 { f.message.contains("too many requests") } else { false } }),
            (429, #"{"code":429,"message":""}"#, "application/json", { if case .upstreamRateLimited = $0 { true } else { false } }),
            (400, #"{"data":null,"error":true,"errorText":"Технический перерыв до 16:00","additionalErrors":null}"#, "application/json",
             { if case .upstreamUnavailable(_, let f?) = $0 { f.status == 400 } else { false } }),
            (429, "Действуют временные ограничения", "text/plain", { if case .upstreamUnavailable = $0 { true } else { false } }),
            (400, #"{"data":null,"error":true,"errorText":"Плохой формат take","additionalErrors":null}"#, "application/json",
             { if case .upstreamError(let f) = $0 { f.status == 400 && f.message.contains("Плохой формат take") } else { false } }),
            (404, #"{"title":"path not found","detail":"Please consult https://dev.wildberries.ru/openapi/api-information","status":404}"#,
             "application/problem+json", { if case .upstreamError(let f) = $0 { f.status == 404 } else { false } }),
            (503, #"{"title":"service unavailable","detail":"upstream connect error","requestId":"abc","status":503}"#,
             "application/problem+json", { if case .upstreamError(let f) = $0 { f.requestID == "abc" && f.message.contains("upstream connect error") } else { false } }),
            (200, #"{"data":null,"error":true,"errorText":"Что-то пошло не так","additionalErrors":null}"#, "application/json",
             { if case .upstreamError(let f) = $0 { f.message == "Что-то пошло не так" } else { false } }),
            (200, #"{"data": null, "error": true, "errorText": "С пробелами", "additionalErrors": null}"#, "application/json",
             { if case .upstreamError(let f) = $0 { f.message == "С пробелами" } else { false } }),
        ]
        try await Self.with { scripted in
            for (status, body, type, check) in cases {
                scripted.host.queue(Self.list, status: status, json: body, contentType: type)
                do throws(ConnectorError) {
                    _ = try await scripted.review.listItems(Self.query, deadline: WildberriesTestEnvironment.deadline)
                    Issue.record("\(status) \(body) was taken for success")
                } catch {
                    #expect(check(error), "\(status) \(body) → \(error)")
                }
            }
        }
    }

    @Test("422 on a read by id is itemNotFound", .timeLimit(.minutes(1)))
    func unprocessableItem() async throws {
        try await Self.with { scripted in
            scripted.host.queue("/api/v1/feedback", status: 422,
                                json: #"{"data":null,"error":true,"errorText":"Ошибка обработки параметров запроса","additionalErrors":null}"#)
            await #expect(throws: ConnectorError.itemNotFound(id: "abcdefghij0123456789")) {
                _ = try await scripted.review.item(id: "abcdefghij0123456789", includeRaw: false, deadline: WildberriesTestEnvironment.deadline)
            }
        }
    }

    @Test("loose types, unknown fields and values, empty dates and an unreadable element do not break a page", .timeLimit(.minutes(1)))
    func tolerantFeedbacks() async throws {
        let body = #"""
        {"data":{"countUnanswered":"3","countArchive":0,"feedbacks":[
          {"id":"A1","text":"Хорошо","pros":"Ткань","cons":"Швы разошлись","productValuation":"5","createdDate":"2026-05-14T08:21:37.05603Z","answer":null,
           "state":"wbRu","productDetails":{"nmId":"318822017","productName":"Футболка","newField":{"x":1}},
           "wasViewed":1,"userName":"Мария","orderStatus":"somethingNew","brandNewField":[1,2,3]},
          {"id":42,"text":"","pros":"Мягкая","cons":"","productValuation":4,"createdDate":"",
           "answer":{"text":"Спасибо","state":"rejectedAntispam","editable":"false"},"productDetails":null},
          {"text":"no id here"},
          {"id":"C3","createdDate":"2024-09-26T10:20:48+03:00","productDetails":{"nmId":9007199254740993}},
          {"id":"D4","createdDate":"2024-09-26T10:20:47Z","productDetails":{"nmId":12345678901234567890}}
        ]},"error":false,"errorText":"","additionalErrors":null}
        """#
        try await Self.with { scripted in
            let page = try await scripted.unanswered(body, includeRaw: true)
            #expect(page.items.map(\.id) == ["A1", "42", "C3", "D4"])
            #expect(page.nextCursor == nil)
            let first = page.items[0]
            // all the buyer wrote: a complaint made under cons is not hidden behind the comment
            #expect(first.text == "Хорошо\nДостоинства: Ткань\nНедостатки: Швы разошлись")
            #expect(first.status == .unanswered)
            #expect(first.rating == 5)
            #expect(first.read == true)
            #expect(first.product?.id == "318822017")
            #expect(first.createdAt == FlexibleDate.parse("2026-05-14T08:21:37.056Z"))
            #expect(first.raw?["orderStatus"] == .string("somethingNew"))
            let second = page.items[1]
            #expect(second.text == "Достоинства: Мягкая")
            // moderation turned the answer down: the buyer sees none, so the feedback still waits
            #expect(second.status == .unanswered)
            #expect(second.reply?.state == "rejectedAntispam")
            #expect(second.reply?.editable == false)
            #expect(second.createdAt.millisecondsSinceEpoch == 0)
            #expect(second.product == nil)
            #expect(page.items[2].product?.id == "9007199254740993")
            #expect(page.items[2].createdAt == FlexibleDate.parse("2024-09-26T07:20:48Z"))
            // beyond 64 bits: the article's digits as written, not a float
            #expect(page.items[3].product?.id == "12345678901234567890")
            #expect(page.items[3].product?.url == "https://www.wildberries.ru/catalog/12345678901234567890/detail.aspx")
        }
    }

    /// A feedback as `GET /api/v1/feedback?id=` answers it, with `answer` (JSON, or `null`).
    static func single(_ id: String, answer: String) -> String {
        #"{"data":{"id":"\#(id)","text":"Плохо","productValuation":2,"createdDate":"2026-05-14T08:21:37Z","answer":\#(answer),"productDetails":null},"error":false,"errorText":"","additionalErrors":null}"#
    }

    @Test("given a feedback whose answer moderation turned down and marked not editable, when another answer is sent, then Wildberries is asked (PATCH), and the same text again is refused unsent",
          .timeLimit(.minutes(1)))
    func replyAfterRejection() async throws {
        let id = "Rj3ctedFeedback00001"
        let rejected = #"{"text":"Пишите в личку","state":"rejected","editable":false}"#
        try await Self.with { scripted in
            scripted.host.queue("/api/v1/feedback", json: Self.single(id, answer: rejected))  // the item
            scripted.host.queue("/api/v1/feedback", json: Self.single(id, answer: rejected))  // the reply's look before
            scripted.host.queue("/api/v1/feedbacks/answer", SimulatorResponse.empty(status: 204))
            scripted.host.queue("/api/v1/feedback", json: Self.single(id, answer: #"{"text":"Спасибо, разберёмся","state":"reviewRequired","editable":false}"#))
            let item = try await scripted.review.item(id: id, includeRaw: false, deadline: WildberriesTestEnvironment.deadline)
            #expect(item.status == .unanswered)
            #expect(item.reply?.state == "rejected")
            let receipt = try await scripted.review.reply(to: id, text: "Спасибо, разберёмся", deadline: WildberriesTestEnvironment.deadline)
            #expect(receipt.itemID == id)
            #expect(scripted.host.requests.filter { $0.path == "/api/v1/feedbacks/answer" }.map(\.method) == ["PATCH"])

            scripted.host.queue("/api/v1/feedback", json: Self.single(id, answer: rejected))
            await #expect {
                _ = try await scripted.review.reply(to: id, text: "Пишите в личку", deadline: WildberriesTestEnvironment.deadline)
            } throws: { error in
                guard case ConnectorError.upstreamRejected(let failure) = error else { return false }
                return failure.message.contains("turned this very answer") && failure.message.contains("rejected")
            }
            #expect(scripted.host.requests.filter { $0.path == "/api/v1/feedbacks/answer" }.count == 1)
        }
    }

    @Test("given Wildberries takes an answer (204) for a feedback it has, when the read after does not show it yet, then the reply is reported sent, without a time, and nothing is sent again",
          .timeLimit(.minutes(1)))
    func replyNotShownYet() async throws {
        let id = "LaggingFeedback00001"
        try await Self.with { scripted in
            scripted.host.queue("/api/v1/feedback", json: Self.single(id, answer: "null"))
            scripted.host.queue("/api/v1/feedbacks/answer", SimulatorResponse.empty(status: 204))
            scripted.host.queue("/api/v1/feedback", json: Self.single(id, answer: "null"))
            let receipt = try await scripted.review.reply(to: id, text: "Спасибо за отзыв!", deadline: WildberriesTestEnvironment.deadline)
            #expect(receipt.itemID == id)
            #expect(receipt.createdAt == nil)
            #expect(scripted.host.requests.map(\.method) == ["GET", "POST", "GET"])
        }
    }

    @Test("given a feedback whose text holds lone surrogate escapes, then the page reads, each one U+FFFD, the pair beside them kept, raw objects too",
          .timeLimit(.minutes(1)), arguments: [false, true])
    func loneSurrogates(includeRaw: Bool) async throws {
        let body = #"""
        {"data":{"countUnanswered":"1","countArchive":0,"feedbacks":[
          {"id":"A1","text":"a\ud800b\udc00c\ud83d\ude00","createdDate":"2026-05-14T08:21:37Z","answer":null,"productDetails":null},
          {"id":"B2","text":"ok","createdDate":"2026-05-13T08:21:37Z","answer":null,"productDetails":null}
        ]},"error":false,"errorText":"","additionalErrors":null}
        """#
        try await Self.with { scripted in
            let page = try await scripted.unanswered(body, includeRaw: includeRaw)
            #expect(page.items.map(\.id) == ["A1", "B2"])
            #expect(page.items.first?.text == "a\u{FFFD}b\u{FFFD}c\u{1F600}")
            #expect(page.items.first?.raw?["text"] == (includeRaw ? .string("a\u{FFFD}b\u{FFFD}c\u{1F600}") : nil))
        }
    }

    @Test("given a second's records in another order on the next request of the same list call, then none is listed twice in the page",
          .timeLimit(.minutes(1)))
    func unstableOrderWithinACall() async throws {
        func page(_ records: [String]) -> String {
            #"{"data":{"countUnanswered":3,"countArchive":0,"feedbacks":["# + records.joined(separator: ",") + #"]},"error":false,"errorText":"","additionalErrors":null}"#
        }
        func feedback(_ id: String) -> String {
            #"{"id":"\#(id)","text":"Отзыв","productValuation":5,"createdDate":"2026-05-14T08:21:10Z","answer":null}"#
        }
        try await Self.with { scripted in
            // given: a full first page (one record unreadable), then the same second's records by
            // offset in another order: B again where C was
            scripted.host.queue(Self.list, json: page([feedback("A"), #"{"text":"no id here"}"#, feedback("B")]))
            scripted.host.queue(Self.list, json: page([feedback("B")]))
            scripted.host.queue(Self.list, json: page([feedback("C")]))
            // when
            let first = try await scripted.review.listItems(ListQuery(status: .unanswered, limit: 3), deadline: WildberriesTestEnvironment.deadline)
            // then
            #expect(first.items.map(\.id) == ["A", "B", "C"])
        }
    }

    @Test("given feedbacks that cannot be read among new ones, when updates are polled a few at a time, then each readable one comes once and the feed ends",
          .timeLimit(.minutes(1)))
    func updatesPastUnreadable() async throws {
        func page(_ records: [String]) -> String {
            #"{"data":{"countUnanswered":3,"countArchive":0,"feedbacks":["# + records.joined(separator: ",") + #"]},"error":false,"errorText":"","additionalErrors":null}"#
        }
        func feedback(_ id: String, _ second: Int) -> String {
            #"{"id":"\#(id)","text":"Отзыв","productValuation":5,"createdDate":"2026-05-14T08:21:\#(second)Z","answer":null}"#
        }
        let (a, b, c, unreadable) = (feedback("A", 10), feedback("B", 20), feedback("C", 30), #"{"text":"no id here"}"#)
        try await Self.with { scripted in
            // Each request of the walk, in order (the unanswered side, then the answered side).
            scripted.host.queue(Self.list, json: page([a, unreadable]))                   // first call: a full page…
            scripted.host.queue(Self.list, json: page([b, unreadable, c]))                // …read past: B, and C is more
            scripted.host.queue(Self.list, json: page([a, unreadable, b, unreadable]))    // second call: nothing new, full…
            scripted.host.queue(Self.list, json: page([c]))                               // …read past: C, the end
            scripted.host.queue(Self.list, json: page([]))                                // the answered side: empty
            let first = try await scripted.review.updates(since: nil, limit: 2, deadline: WildberriesTestEnvironment.deadline)
            #expect(first.items.map(\.id) == ["A", "B"])
            #expect(first.hasMore)
            let second = try await scripted.review.updates(since: first.nextCursor, limit: 2, deadline: WildberriesTestEnvironment.deadline)
            #expect(second.items.map(\.id) == ["C"])
            #expect(!second.hasMore)
            // Each page read past starts a few records back (half of a short page).
            #expect(scripted.host.requests.map { $0.query["skip"] ?? "" } == ["0", "1", "0", "2", "0"])
        }
    }

    @Test("chat events without message, with unknown senders, and the terminal page are read", .timeLimit(.minutes(1)))
    func tolerantEvents() async throws {
        let events = #"""
        {"result":{"next":1698045576000,"newestEventTime":"2023-10-23T07:19:36Z","oldestEventTime":"2023-10-23T05:02:20Z",
          "totalEvents":3,"events":[
          {"chatID":"1:c1000000-0000-4000-8000-000000000001","eventID":"e1","eventType":"message","isNewChat":true,"message":{"text":"Здравствуйте!",
            "attachments":{"goodCard":{"nmID":"12345678","price":500,"rid":"r1","statusID":11}}},
           "source":"rusite","addTimestamp":1698037340000,"addTime":"2023-10-23T05:02:20Z","replySign":"1:c1000000-0000-4000-8000-000000000001:1:ff",
           "sender":"client","clientName":"Алёна","clientID":"186132"},
          {"chatID":"1:c1000000-0000-4000-8000-000000000001","eventID":"e2","eventType":"newKind","addTimestamp":"1698045575000","sender":"bot"},
          {"chatID":"1:c1000000-0000-4000-8000-000000000001","eventID":"e3","eventType":"message","addTimestamp":1698045576000,"sender":"seller"}
        ]},"errors":null}
        """#
        let terminal = #"{"result":{"next":1698045576000,"newestEventTime":null,"oldestEventTime":null,"totalEvents":0,"events":[]},"errors":null}"#
        try await Self.with { scripted in
            scripted.host.queue("/api/v1/seller/events", json: events)
            scripted.host.queue("/api/v1/seller/events", json: terminal)
            let page = try await scripted.chat.updates(since: nil, limit: 10, deadline: WildberriesTestEnvironment.deadline)
            #expect(!page.hasMore)
            let item = try #require(page.items.first)
            #expect(page.items.count == 1)
            #expect(item.id == "1:c1000000-0000-4000-8000-000000000001")
            // e2 and e3 carry no message: the last message is e1's, the buyer's, as a list shows it
            #expect(item.lastMessage?.id == "e1")
            #expect(item.lastMessage?.text == "Здравствуйте!")
            #expect(item.status == .unanswered)
            #expect(item.author?.name == "Алёна")
            #expect(item.product?.id == "12345678")
            #expect(item.createdAt.millisecondsSinceEpoch == 1_698_037_340_000)

            // The sign learnt from the isNewChat event is used without a chat list.
            scripted.host.queue("/api/v1/seller/message", json: #"{"result":{"addTime":1698045577000,"chatID":"1:c1000000-0000-4000-8000-000000000001"},"errors":[]}"#)
            let receipt = try await scripted.chat.reply(to: "1:c1000000-0000-4000-8000-000000000001", text: "Добрый день", deadline: WildberriesTestEnvironment.deadline)
            #expect(receipt.createdAt?.millisecondsSinceEpoch == 1_698_045_577_000)
            let sent = scripted.host.requests.filter { $0.path == "/api/v1/seller/message" }.map { String(decoding: $0.body, as: UTF8.self) }
            #expect(sent.count == 1)
            #expect(sent.first?.contains("1:c1000000-0000-4000-8000-000000000001:1:ff") == true, "the reply went without the event's sign")
            #expect(!scripted.host.requests.contains { $0.path == "/api/v1/seller/chats" }, "the chat list was asked for the sign")
        }
    }

    @Test("given a page whose events are out of order, then each is reported, newest last", .timeLimit(.minutes(1)))
    func eventsOutOfOrder() async throws {
        // given: the newer event first, and the stream's next at the newer one
        let events = #"""
        {"result":{"next":1698045576000,"totalEvents":2,"events":[
          {"chatID":"1:c2000000-0000-4000-8000-000000000002","eventID":"e-new","eventType":"message","message":{"text":"Ещё вопрос"},"addTimestamp":1698045576000,"sender":"client"},
          {"chatID":"1:c1000000-0000-4000-8000-000000000001","eventID":"e-old","eventType":"message","message":{"text":"Здравствуйте"},"addTimestamp":1698045500000,"sender":"client"}
        ]},"errors":null}
        """#
        let terminal = #"{"result":{"next":1698045576000,"totalEvents":0,"events":[]},"errors":null}"#
        try await Self.with { scripted in
            scripted.host.queue("/api/v1/seller/events", json: events)
            scripted.host.queue("/api/v1/seller/events", json: terminal)
            // when
            let page = try await scripted.chat.updates(since: nil, limit: 10, deadline: WildberriesTestEnvironment.deadline)
            // then
            #expect(page.items.map(\.id) == ["1:c1000000-0000-4000-8000-000000000001", "1:c2000000-0000-4000-8000-000000000002"])
            #expect(page.items.map { $0.lastMessage?.id } == ["e-old", "e-new"])
        }
    }

    @Test("given a page of events none of which can be read, then updates go past it instead of reading it on every call", .timeLimit(.minutes(1)))
    func unreadableEventsPage() async throws {
        let unreadable = #"{"result":{"next":1698045576000,"totalEvents":2,"events":[{"foo":1},{"chatID":7}]},"errors":null}"#
        let fresh = #"""
        {"result":{"next":1698045577000,"totalEvents":1,"events":[
          {"chatID":"1:c3","eventID":"e-after","eventType":"message","message":{"text":"Вы тут?"},"addTimestamp":1698045577000,"sender":"client"}
        ]},"errors":null}
        """#
        let terminal = #"{"result":{"next":1698045577000,"totalEvents":0,"events":[]},"errors":null}"#
        try await Self.with { scripted in
            // given: a first page nothing of which reads
            scripted.host.queue("/api/v1/seller/events", json: unreadable)
            let first = try await scripted.chat.updates(since: nil, limit: 10, deadline: WildberriesTestEnvironment.deadline)
            #expect(first.items.isEmpty)
            // a page that could not be read is not the stream's end: the chats' history is still owed
            #expect((scripted.chat as? WildberriesChatConnector)?.ledger.hasCaughtUp == false)
            // when: the client comes back with the cursor
            scripted.host.queue("/api/v1/seller/events", json: fresh)
            scripted.host.queue("/api/v1/seller/events", json: terminal)
            let second = try await scripted.chat.updates(since: first.nextCursor, limit: 10, deadline: WildberriesTestEnvironment.deadline)
            // then: it asked from just below the stream's `next` (readable events of that second
            // after the unreadable ones are still taken), and got what came after it
            let asked = scripted.host.requests.filter { $0.path == "/api/v1/seller/events" }.map { $0.query["next"] }
            #expect(asked.count == 3 && asked[1] == "1698045575999")
            #expect((scripted.chat as? WildberriesChatConnector)?.ledger.hasCaughtUp == true)
            #expect(second.items.map(\.id) == ["1:c3"])
        }
    }

    @Test("given events timed by numbers no date can be, then updates report them as undated instead of crashing where they are written",
          .timeLimit(.minutes(1)), arguments: [Int64.min, Int64.max, -9_223_372_036_854_775_000])
    func outlandishEventTimes(at: Int64) async throws {
        try await Self.with { scripted in
            scripted.host.queue("/api/v1/seller/events", json: Self.page(1_698_045_577_000, [Self.event("odd", at)]))
            for _ in 0..<3 {
                scripted.host.queue("/api/v1/seller/events", json: #"{"result":{"next":1698045577000,"totalEvents":0,"events":[]},"errors":null}"#)
            }
            let page = try await scripted.chat.updates(since: nil, limit: 10, deadline: WildberriesTestEnvironment.deadline)
            let item = try #require(page.items.first)
            #expect(item.lastMessage?.createdAt == Timestamp(millisecondsSinceEpoch: 0))
            #expect(item.createdAt.rfc3339 == "1970-01-01T00:00:00.000Z")
        }
    }

    @Test("given a stream that goes on from next inclusively, when a page-full of one second comes back as it was asked, then updates get past that second, not stall on it",
          .timeLimit(.minutes(1)))
    func inclusiveStreamDoesNotStall() async throws {
        let second: Int64 = 1_698_045_576_000
        let crowded = Self.page(second, [Self.event("a", second), Self.event("b", second), Self.event("c", second)])
        let after = Self.page(second + 1000, [Self.event("d", second + 1000)])
        try await Self.with { scripted in
            // given: the crowded second, then the same page for just below it and for it itself
            for _ in 0..<3 { scripted.host.queue("/api/v1/seller/events", json: crowded) }
            scripted.host.queue("/api/v1/seller/events", json: after)
            // when
            let page = try await scripted.chat.updates(since: nil, limit: 10, deadline: WildberriesTestEnvironment.deadline)
            // then: the second past, the event after it came
            #expect(page.items.map(\.id) == ["1:a", "1:b", "1:c", "1:d"])
            let asked = scripted.host.requests.filter { $0.path == "/api/v1/seller/events" }.map { $0.query["next"] ?? "-" }
            #expect(asked == ["-", "\(second - 1)", "\(second)", "\(second + 1)"])
        }
    }

    @Test("given a cached reply sign Wildberries refuses, when a reply is sent, then the chat list's current sign is fetched and the reply goes out with it, once",
          .timeLimit(.minutes(1)))
    func staleSignRefreshed() async throws {
        try await Self.with { scripted in
            // given: the sign learnt from the chat's first event
            try await Self.stream(shows: #"""
                {"chatID":"1:c1000000-0000-4000-8000-000000000001","eventID":"e1","eventType":"message","isNewChat":true,"replySign":"1:c1000000-0000-4000-8000-000000000001:111:old","message":{"text":"Здравствуйте"},"addTimestamp":1698045576000,"sender":"client"}
                """#, to: scripted)
            // when: Wildberries refuses it, and its chat list has another
            scripted.host.queue("/api/v1/seller/message", status: 400, json: #"{"title":"Bad Request","detail":"Invalid signature","requestId":"r1","origin":"s2s-api-auth-chat","status":400,"error":true}"#,
                                contentType: "application/problem+json")
            scripted.host.queue("/api/v1/seller/chats", json: #"{"result":[{"chatID":"1:c1000000-0000-4000-8000-000000000001","replySign":"1:c1000000-0000-4000-8000-000000000001:222:new","clientName":"Алёна"}],"errors":null}"#)
            scripted.host.queue("/api/v1/seller/message", json: #"{"result":{"addTime":1698045577000,"chatID":"1:c1000000-0000-4000-8000-000000000001"},"errors":[]}"#)
            let receipt = try await scripted.chat.reply(to: "1:c1000000-0000-4000-8000-000000000001", text: "Добрый день", deadline: WildberriesTestEnvironment.deadline)
            // then
            #expect(receipt.createdAt?.millisecondsSinceEpoch == 1_698_045_577_000)
            let sent = scripted.host.requests.filter { $0.path == "/api/v1/seller/message" }.map { String(decoding: $0.body, as: UTF8.self) }
            #expect(sent.count == 2)
            #expect(sent.first?.contains("1:c1000000-0000-4000-8000-000000000001:111:old") == true)
            #expect(sent.last?.contains("1:c1000000-0000-4000-8000-000000000001:222:new") == true)
        }
    }

    @Test("given a chat the event stream shows and the chat list does not (it lags, or is empty while events exist), then a list has it, by its status",
          .timeLimit(.minutes(1)))
    func streamOnlyChatListed() async throws {
        try await Self.with { scripted in
            // given: the stream has shown the chat
            try await Self.stream(shows: #"""
                {"chatID":"1:33333333-0000-4000-8000-000000000001","eventID":"e1","eventType":"message","isNewChat":true,"replySign":"1:33333333-0000-4000-8000-000000000001:1:ff","message":{"text":"где заказ?"},"addTimestamp":1698045576000,"sender":"client","clientName":"Олег"}
                """#, to: scripted)
            // when: the chat list is empty
            scripted.host.queue("/api/v1/seller/chats", json: #"{"result":[],"errors":null}"#)
            scripted.host.queue("/api/v1/seller/events", json: Self.streamEnd)
            let page = try await scripted.chat.listItems(ListQuery(status: .unanswered, limit: 10), deadline: WildberriesTestEnvironment.deadline)
            // then
            #expect(page.items.map(\.id) == ["1:33333333-0000-4000-8000-000000000001"])
            #expect(page.items.first?.author?.name == "Олег")
        }
    }

    @Test("given a chat list answered 200 with errors and no result, when items are listed, then it is an upstream error with Wildberries' words, not an empty list",
          .timeLimit(.minutes(1)))
    func chatListErrorsAreAFailure() async throws {
        try await Self.with { scripted in
            // given
            scripted.host.queue("/api/v1/seller/chats", json: #"{"result":null,"errors":["internal error"]}"#)
            // when
            let error = await #expect(throws: ConnectorError.self) {
                _ = try await scripted.chat.listItems(ListQuery(limit: 10), deadline: WildberriesTestEnvironment.deadline)
            }
            // then
            guard case .upstreamError(let failure)? = error else {
                Issue.record("expected an upstream error, got \(String(describing: error))")
                return
            }
            #expect(failure.message == "internal error")
            #expect(failure.status == 200)
        }
    }

    @Test("given a stream whose pages become shorter, when a short page holds only events already taken, then updates read on past it rather than stop there for good",
          .timeLimit(.minutes(1)))
    func shorterPagesDoNotStall() async throws {
        let second: Int64 = 1_698_045_576_000
        try await Self.with { scripted in
            // given: a page of four, then the second's three again on a page of three, then the event after
            scripted.host.queue("/api/v1/seller/events", json: Self.page(second, [Self.event("a", second - 1000), Self.event("b", second), Self.event("c", second), Self.event("d", second)]))
            scripted.host.queue("/api/v1/seller/events", json: Self.page(second, [Self.event("b", second), Self.event("c", second), Self.event("d", second)]))
            scripted.host.queue("/api/v1/seller/events", json: Self.page(second + 1000, [Self.event("e", second + 1000)]))
            // when
            let updates = try await scripted.chat.updates(since: nil, limit: 10, deadline: WildberriesTestEnvironment.deadline)
            // then
            #expect(updates.items.map(\.id) == ["1:a", "1:b", "1:c", "1:d", "1:e"])
        }
    }

    @Test("given a stream that goes on from next inclusively and a short page of the newest second, when the poll ends, then the edge stays open for later arrivals in it",
          .timeLimit(.minutes(1)))
    func inclusiveShortPageKeepsTheEdge() async throws {
        let second: Int64 = 1_698_045_576_000
        try await Self.with { scripted in
            // given: a page of four earlier, then the newest second's one event, given back as asked
            scripted.host.queue("/api/v1/seller/events", json: Self.page(second - 1000, (0..<4).map { Self.event("a\($0)", second - 1000) }))
            scripted.host.queue("/api/v1/seller/events", json: Self.page(second, [Self.event("b", second)]))
            let first = try await scripted.chat.updates(since: nil, limit: 10, deadline: WildberriesTestEnvironment.deadline)
            #expect(first.items.map(\.id).last == "1:b")
            // and a poll with nothing new: the same page below the second and at it
            for _ in 0..<2 { scripted.host.queue("/api/v1/seller/events", json: Self.page(second, [Self.event("b", second)])) }
            let idle = try await scripted.chat.updates(since: first.nextCursor, limit: 10, deadline: WildberriesTestEnvironment.deadline)
            #expect(idle.items.isEmpty)
            // when: a reply lands in that same second, and the client polls
            scripted.host.queue("/api/v1/seller/events", json: Self.page(second, [Self.event("b", second), Self.event("c", second)]))
            let later = try await scripted.chat.updates(since: idle.nextCursor, limit: 10, deadline: WildberriesTestEnvironment.deadline)
            // then
            #expect(later.items.map(\.id) == ["1:c"])
        }
    }

    @Test("given an event Wildberries takes at the newest second read, between two requests of one poll, then a later poll still reports it", .timeLimit(.minutes(1)))
    func eventAtTheNewestSecondBetweenRequests() async throws {
        // given: a stream (strictly after `next`, whole seconds) whose newest event is this second's
        let host = WildberriesStreamHost()
        let server = SimulatorServer(host: host)
        try server.start()
        defer { Task { await server.stop() } }
        let second = Int64(Date().timeIntervalSince1970) * 1000
        let registry = ConnectorRegistry()
        // This machine's clock stands at that second for the whole test: it stays open however
        // long a busy machine takes over the polls.
        WildberriesConnectors.register(in: registry,
                                       endpoints: MarketplaceEndpoints(wildberriesFeedbacks: server.baseURL, wildberriesChat: server.baseURL),
                                       options: WildberriesTestEnvironment.connectorOptions { $0.retry = .none; $0.unixMilliseconds = { second } })
        let chat = try registry.connector(for: ConnectorKey(.wildberries, .chat), tenant: "t",
                                          credentials: MarketplaceCredentials(marketplace: .wildberries, fields: ["token": Scripted.token]))
        host.add("e1", at: second)
        let first = try await chat.updates(since: nil, limit: 50, deadline: WildberriesTestEnvironment.deadline)
        #expect(first.items.map(\.id) == ["1:e1"])
        // when: while the next poll reads, Wildberries takes B at that same second and C at the
        // next one, just before the poll asks past the second (if it ever does)
        let arrived = Arrival()
        host.beforeEachAnswer { next in
            if next == second, !arrived.done.exchange(true, ordering: .relaxed) {
                host.add("b", at: second)
                host.add("c", at: second + 1000)
            }
        }
        var reported: [String] = []
        var cursor = first.nextCursor
        for _ in 0..<3 {
            let page = try await chat.updates(since: cursor, limit: 50, deadline: WildberriesTestEnvironment.deadline)
            reported += page.items.map(\.id)
            cursor = page.nextCursor
            if !arrived.done.exchange(true, ordering: .relaxed) {
                host.add("b", at: second)
                host.add("c", at: second + 1000)
            }
        }
        // then: both are reported, once each; the stream was never asked past the unsettled second
        #expect(reported.sorted() == ["1:b", "1:c"])
        #expect(!host.asked.contains(second))
    }
}

/// Whether the events a test lets arrive mid-poll have arrived.
private final class Arrival: Sendable {
    let done = Atomic<Bool>(false)
}

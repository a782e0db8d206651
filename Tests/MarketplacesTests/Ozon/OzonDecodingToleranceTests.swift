import Connectors
import Foundation
import MarketplaceSimulator
import Marketplaces
import Testing

@Suite("Ozon decoding tolerance")
struct OzonDecodingToleranceTests {
    /// Serves `answers` on loopback and runs `body` with the Ozon connectors pointed at them.
    func withCannedOzon(_ answers: [String: [String]], _ body: (ConnectorRegistry, MarketplaceCredentials) async throws -> Void) async throws {
        try await withCannedOzon(OzonCannedHost(answers)) { registry, credentials, _ in try await body(registry, credentials) }
    }

    /// The same with the host, to count what it served.
    func withCannedOzon(_ host: OzonCannedHost, _ body: (ConnectorRegistry, MarketplaceCredentials, OzonCannedHost) async throws -> Void) async throws {
        try await OzonHostedRegistry.run(host) { registry, credentials in try await body(registry, credentials, host) }
    }

    @Test("chats with numeric 64-bit ids, has_next as a string, the doc's Cyrillic \"Сustomer\" and unknown fields; announcement and support chats left out",
          .timeLimit(.minutes(1)))
    func chats() async throws {
        let firstPage = """
        {"chats":[{"chat":{"chat_id":"c-1","chat_status":"opened","chat_type":"Buyer_Seller","created_at":"2026-05-14T10:09:29.099284+03:00",
        "brand_new_field":{"x":1}},"first_unread_message_id":3000000000118032117,"last_message_id":3000000000118032117,"unread_count":"1"}],
        "total_unread_count":1,"cursor":"opaque==","has_next":"true","surprise":[1,2]}
        """
        let secondPage = """
        {"chats":[{"chat":{"chat_id":"c-2","chat_status":"SOMETHING_NEW","chat_type":"SELLER_API_NOTIFICATIONS"},
        "last_message_id":"3000000000118032001","unread_count":0},{"chat":{"chat_id":"c-3","chat_status":"OPENED",
        "chat_type":"Seller_Support"},"last_message_id":"3000000000118031001","unread_count":1}],"cursor":"","has_next":false}
        """
        let history = """
        {"has_next":false,"messages":[{"message_id":3000000000118032117,"created_at":"2026-05-14T07:09:29.099Z",
        "data":["Где ","заказ?"],"is_read":false,"user":{"id":"77","type":"\\u0421ustomer"},"context":{"order_number":"1-2","sku":"148591503"},
        "moderate_image_status":"WHATEVER"}]}
        """
        try await withCannedOzon(["/v3/chat/list": [firstPage, secondPage], "/v3/chat/history": [history]]) { registry, credentials in
            let connector = try registry.connector(for: ConnectorKey(.ozon, .chat), tenant: "t", credentials: credentials)
            let page = try await connector.listItems(ListQuery(limit: 10), deadline: .now + .seconds(50))
            #expect(page.items.map(\.id) == ["c-1"])
            let item = try #require(page.items.first)
            #expect(item.lastMessage?.id == "3000000000118032117")
            #expect(item.lastMessage?.sender == "buyer")
            #expect(item.text == "Где \nзаказ?")
            #expect(item.status == .unanswered)
            #expect(item.unreadCount == 1)
            #expect(item.author?.id == "77")
            #expect(item.product?.id == "148591503")
            #expect(item.createdAt == FlexibleDate.parse("2026-05-14T07:09:29.099Z"))
        }
    }

    /// The chat id as Ozon may write it (a string, or a number as the flat v2 list's were, beyond
    /// 2^53 where a Double would change it), and as the item must carry it.
    static let chatIDs: [(json: String, id: String)] = [(#""c-9""#, "c-9"), ("9007199254740993", "9007199254740993")]

    @Test("given a chat list answered flat (the chat's fields beside the counters, as Ozon's v2 was), with a string or numeric chat id, then it reads as the nested one",
          .timeLimit(.minutes(1)), arguments: chatIDs)
    func flatChatList(chatID: (json: String, id: String)) async throws {
        let flat = """
        {"chats":[{"chat_id":\(chatID.json),"chat_status":"OPENED","chat_type":"BUYER_SELLER","created_at":"2026-05-14T07:00:00Z",
        "last_message_id":"3000000000118032117","unread_count":1}],"cursor":"","has_next":false}
        """
        let history = """
        {"has_next":false,"messages":[{"message_id":"3000000000118032117","created_at":"2026-05-14T07:09:29.099Z",
        "data":["Здравствуйте"],"is_read":false,"user":{"id":"77","type":"customer"}}]}
        """
        try await withCannedOzon(["/v3/chat/list": [flat], "/v3/chat/history": [history]]) { registry, credentials in
            let connector = try registry.connector(for: ConnectorKey(.ozon, .chat), tenant: "t", credentials: credentials)
            let page = try await connector.listItems(ListQuery(limit: 10), deadline: .now + .seconds(50))
            #expect(page.items.map(\.id) == [chatID.id])
            #expect(page.items.first?.status == .unanswered)
            #expect(page.items.first?.text == "Здравствуйте")
        }
    }

    @Test("given Ozon answering the page after last_id X with X again (the same page), when reviews are listed, then each comes once and the list ends",
          .timeLimit(.minutes(1)))
    func repeatedPageEndsTheList() async throws {
        let same = """
        {"reviews":[{"id":"r-1","sku":1,"text":"A","published_at":"2026-05-14T08:21:37Z","rating":5,"status":"NEW"},
        {"id":"r-2","sku":1,"text":"B","published_at":"2026-05-13T08:21:37Z","rating":4,"status":"NEW"}],"last_id":"r-2","has_next":true}
        """
        try await withCannedOzon(["/v2/review/list": [same]]) { registry, credentials in
            let connector = try registry.connector(for: ConnectorKey(.ozon, .review), tenant: "t", credentials: credentials)
            let page = try await connector.listItems(ListQuery(limit: 10), deadline: .now + .seconds(50))
            #expect(page.items.map(\.id) == ["r-1", "r-2"])
            #expect(page.nextCursor == nil)
        }
    }

    @Test("given Ozon answering empty pages that say there is more but name the token they were asked with, then lists and updates end instead of asking forever",
          .timeLimit(.minutes(1)))
    func emptyPagesThatSayMore() async throws {
        let reviews = #"{"reviews":[],"last_id":"0190a1b2-c3d4-7e5f-8a9b-000000000000","has_next":true}"#
        let chats = #"{"chats":[],"cursor":"abc","has_next":true}"#
        try await withCannedOzon(["/v2/review/list": [reviews], "/v3/chat/list": [chats]]) { registry, credentials in
            let review = try registry.connector(for: ConnectorKey(.ozon, .review), tenant: "t", credentials: credentials)
            let listed = try await review.listItems(ListQuery(limit: 10), deadline: .now + .seconds(50))
            #expect(listed.items.isEmpty)
            #expect(listed.nextCursor == nil)
            let updates = try await review.updates(since: nil, limit: 10, deadline: .now + .seconds(50))
            #expect(updates.items.isEmpty)
            #expect(!updates.hasMore)
            let chat = try registry.connector(for: ConnectorKey(.ozon, .chat), tenant: "t", credentials: credentials)
            let chatsListed = try await chat.listItems(ListQuery(limit: 10), deadline: .now + .seconds(50))
            #expect(chatsListed.items.isEmpty)
            #expect(chatsListed.nextCursor == nil)
        }
    }

    @Test("given a chat updates sweep that stalls on its second list page after reporting more chats than the cursor keeps, when a chat on that page gets a message, then a later sweep still reports it",
          .timeLimit(.minutes(1)))
    func stalledChatSweepKeepsTheMark() async throws {
        func chat(_ id: String, _ lastMessageID: Int) -> String {
            #"{"chat":{"chat_id":"\#(id)","chat_status":"OPENED","chat_type":"BUYER_SELLER","created_at":"2026-05-14T07:00:00Z"},"#
                + #""last_message_id":"\#(lastMessageID)","unread_count":1}"#
        }
        func page(_ chats: [String], cursor: String, hasNext: Bool) -> String {
            #"{"chats":[\#(chats.joined(separator: ","))],"cursor":"\#(cursor)","has_next":\#(hasNext)}"#
        }
        // Before: chats b and z. Then 22 chats get messages (ids 2000…2021), on the list's first page;
        // b, on its second, gets one numbered 1600 (the list is not in recency order).
        let before = page([chat("b", 1500), chat("z", 3000)], cursor: "p2", hasNext: false)
        let busy = page((2000...2021).map { chat("c\($0)", $0) }, cursor: "p2", hasNext: true)
        let stalled = page([], cursor: "p2", hasNext: true)
        let rest = page([chat("b", 1600)], cursor: "p3", hasNext: false)
        let history = """
        {"has_next":false,"messages":[{"message_id":"1600","created_at":"2026-05-14T07:09:29.099Z",
        "data":["Здравствуйте"],"is_read":false,"user":{"id":"77","type":"customer"}}]}
        """
        try await withCannedOzon(["/v3/chat/list": [before, busy, stalled, busy, rest], "/v3/chat/history": [history]]) { registry, credentials in
            let connector = try registry.connector(for: ConnectorKey(.ozon, .chat), tenant: "t", credentials: credentials)
            let first = try await connector.updates(since: nil, limit: 100, deadline: .now + .seconds(50))
            #expect(Set(first.items.map(\.id)) == ["b", "z"])
            // when: the next sweep stalls after its first page
            let second = try await connector.updates(since: first.nextCursor, limit: 100, deadline: .now + .seconds(50))
            #expect(second.items.count == 22)
            let third = try await connector.updates(since: second.nextCursor, limit: 100, deadline: .now + .seconds(50))
            // then: the stalled sweep did not take the chats it never reached as seen
            #expect(third.items.map(\.id).contains("b"))
        }
    }

    @Test("reviews with sku as number or string, unknown status values and missing optional fields", .timeLimit(.minutes(1)))
    func reviews() async throws {
        let list = """
        {"reviews":[
          {"id":"r-1","sku":148591503,"text":"Ok","published_at":"2026-05-14T08:21:37Z","rating":5,"status":"processed","extra":true},
          {"id":"r-2","sku":"209384771","published_at":"2026-05-13T08:21:37.5Z","rating":"4","status":"ARCHIVED_SOMEHOW"},
          {"id":"r-3"}
        ],"last_id":"r-3","has_next":false}
        """
        try await withCannedOzon(["/v2/review/list": [list]]) { registry, credentials in
            let connector = try registry.connector(for: ConnectorKey(.ozon, .review), tenant: "t", credentials: credentials)
            let page = try await connector.listItems(ListQuery(limit: 10), deadline: .now + .seconds(50))
            #expect(page.items.map(\.id) == ["r-1", "r-2", "r-3"])
            #expect(page.items.map(\.product?.id) == ["148591503", "209384771", nil])
            #expect(page.items.map(\.status) == [.answered, .unanswered, .unanswered])
            #expect(page.items.map(\.read) == [true, nil, nil])
            #expect(page.items.map(\.rating) == [5, 4, nil])
            #expect(page.nextCursor == nil)
        }
    }

    @Test("given a review whose text holds a lone surrogate escape, when reviews are listed with their raw objects, then the text and the raw object both read it as U+FFFD",
          .timeLimit(.minutes(1)))
    func loneSurrogateWithRaw() async throws {
        let list = #"""
        {"reviews":[{"id":"r-1","sku":148591503,"text":"a\ud800b","published_at":"2026-05-14T08:21:37Z","rating":5,"status":"UNPROCESSED"}],
        "last_id":"r-1","has_next":false}
        """#
        try await withCannedOzon(["/v2/review/list": [list]]) { registry, credentials in
            let connector = try registry.connector(for: ConnectorKey(.ozon, .review), tenant: "t", credentials: credentials)
            let page = try await connector.listItems(ListQuery(limit: 10, includeRaw: true), deadline: .now + .seconds(50))
            #expect(page.items.map(\.text) == ["a\u{FFFD}b"])
            #expect(page.items.first?.raw?["text"] == .string("a\u{FFFD}b"))
            #expect(page.items.first?.raw?["id"] == .string("r-1"))
        }
    }

    @Test("questions from an older version without has_next end on an empty page", .timeLimit(.minutes(1)))
    func questionsWithoutHasNext() async throws {
        let first = """
        {"questions":[{"id":"q-1","sku":1,"text":"?","author_name":"Анна","published_at":"2026-05-14T08:21:37.123456Z","status":"NEW","answers_count":"0"}],
         "last_id":"q-1"}
        """
        try await withCannedOzon(["/v1/question/list": [first, #"{"questions":[],"last_id":""}"#]]) { registry, credentials in
            let connector = try registry.connector(for: ConnectorKey(.ozon, .question), tenant: "t", credentials: credentials)
            let page = try await connector.listItems(ListQuery(limit: 1), deadline: .now + .seconds(50))
            #expect(page.items.map(\.author?.name) == ["Анна"])
            let next = try #require(page.nextCursor)
            let end = try await connector.listItems(ListQuery(limit: 1, cursor: next), deadline: .now + .seconds(50))
            #expect(end.items.isEmpty)
            #expect(end.nextCursor == nil)
        }
    }

    @Test("given a question whose status reads v1's UNPROCESSED, when it is marked read, then it is set to VIEWED; one whose status is unknown is left alone",
          .timeLimit(.minutes(1)))
    func markReadOfAnUnprocessedQuestion() async throws {
        func question(_ status: String) -> String {
            #"{"id":"8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d","sku":1,"text":"?","published_at":"2026-05-14T08:21:37Z","status":"\#(status)","answers_count":0}"#
        }
        for (status, sets) in [("UNPROCESSED", true), ("SOMETHING_NEW", false)] {
            let host = OzonCannedHost(["/v1/question/info": [question(status)], "/v1/question/change-status": [#"{"result":"ok"}"#]])
            try await withCannedOzon(host) { registry, credentials, host in
                let connector = try registry.connector(for: ConnectorKey(.ozon, .question), tenant: "t", credentials: credentials)
                try await connector.markRead(id: "8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d", deadline: .now + .seconds(50))
                #expect(host.served("/v1/question/change-status") == (sets ? 1 : 0), "\(status)")
            }
        }
    }
}

import Connectors
import HTTP
import MarketplaceSimulator
import Marketplaces
import Testing

/// A chat whose history Ozon will not give: the list and the updates around it go on.
@Suite("Ozon chat history refused for one chat")
struct OzonChatHistoryFailureTests {
    /// Three listed chats. `c-ok` reads normally; `c-anchor`'s listed last message is gone, so a
    /// history anchored on it is "not found" while one without an anchor reads; `c-bad`'s history
    /// is answered `badStatus` every time.
    struct Host: SimulatedHost {
        var badStatus: Int
        let served = OzonRequestCounter()

        static let list = """
        {"chats":[{"chat":{"chat_id":"c-ok","chat_status":"OPENED","chat_type":"BUYER_SELLER","created_at":"2026-05-14T07:00:00Z"},
        "last_message_id":"300","unread_count":1},
        {"chat":{"chat_id":"c-anchor","chat_status":"OPENED","chat_type":"BUYER_SELLER","created_at":"2026-05-14T07:00:00Z"},
        "last_message_id":"200","unread_count":0},
        {"chat":{"chat_id":"c-bad","chat_status":"OPENED","chat_type":"BUYER_SELLER","created_at":"2026-05-14T07:00:00Z"},
        "last_message_id":"100","unread_count":2}],"cursor":"","has_next":false}
        """

        static func history(_ id: UInt64, from sender: String) -> String {
            """
            {"has_next":false,"messages":[{"message_id":\(id),"created_at":"2026-05-14T07:09:29Z","data":["m\(id)"],
            "is_read":true,"user":{"id":"77","type":"\(sender)"}}]}
            """
        }

        func handle(_ request: SimulatorRequest) async -> HTTPResponse {
            _ = served.next(request.path)
            switch request.path {
            case "/v3/chat/list":
                return HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: Array(Self.list.utf8))
            case "/v3/chat/history":
                let body = request.jsonObject() ?? [:]
                switch body["chat_id"] as? String {
                case "c-ok":
                    return HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: Array(Self.history(300, from: "Customer").utf8))
                case "c-anchor" where body["from_message_id"] != nil:
                    return SimulatorResponse.json(["code": 5, "message": "message not found", "details": [] as [Any]], status: 404)
                case "c-anchor":
                    return HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: Array(Self.history(150, from: "Seller").utf8))
                default:
                    return SimulatorResponse.json(["code": 3, "message": "Request validation error", "details": [] as [Any]], status: badStatus)
                }
            default:
                return SimulatorResponse.text("404 page not found", status: 404)
            }
        }

        func faultResponse(_ fault: Fault) -> HTTPResponse {
            SimulatorResponse.json(["code": 13, "message": "Internal error"], status: 500)
        }
    }

    func withHost(badStatus: Int, _ body: (any ChannelConnector) async throws -> Void) async throws {
        try await OzonHostedRegistry.run(Host(badStatus: badStatus), key: ConnectorKey(.ozon, .chat), body)
    }

    @Test("given one chat whose history Ozon refuses for what it is (400), when listing, then the others are listed in full and it is listed from its entry",
          .timeLimit(.minutes(1)))
    func listGoesOn() async throws {
        try await withHost(badStatus: 400) { connector in
            let page = try await connector.listItems(ListQuery(limit: 10), deadline: .now + .seconds(30))
            #expect(Set(page.items.map(\.id)) == ["c-ok", "c-anchor", "c-bad"])
            let bad = try #require(page.items.first { $0.id == "c-bad" })
            #expect(bad.unreadCount == 2)
            #expect(bad.status == .unanswered)
            #expect(bad.lastMessage == nil)
            // The anchor gone, the chat is read without it
            let anchor = try #require(page.items.first { $0.id == "c-anchor" })
            #expect(anchor.lastMessage?.id == "150")
            #expect(anchor.status == .answered)
            #expect(page.items.first { $0.id == "c-ok" }?.lastMessage?.id == "300")
        }
    }

    @Test("given one chat whose history refusal may pass (503 without a wait), when listing, then the list fails rather than show the chat without it",
          .timeLimit(.minutes(1)))
    func passingFailureFailsTheList() async throws {
        try await withHost(badStatus: 503) { connector in
            await #expect {
                _ = try await connector.listItems(ListQuery(limit: 10), deadline: .now + .seconds(30))
            } throws: { error in
                (error as? ConnectorError)?.isRetryable == true
            }
        }
    }

    @Test("given one chat whose history Ozon refuses, when following updates, then every chat is reported once and the cursor moves past it",
          .timeLimit(.minutes(1)))
    func updatesMovePast() async throws {
        try await withHost(badStatus: 400) { connector in
            let first = try await connector.updates(since: nil, limit: 10, deadline: .now + .seconds(30))
            #expect(Set(first.items.map(\.id)) == ["c-ok", "c-anchor", "c-bad"])
            let next = try await connector.updates(since: first.nextCursor, limit: 10, deadline: .now + .seconds(30))
            #expect(next.items.isEmpty && !next.hasMore)
        }
    }
}

import Connectors
import HTTP
import MarketplaceSimulator
import Marketplaces
import Testing

/// A chat list Ozon answers slowly: each updates call reads what its time allows and leaves the
/// rest of the sweep to the next, rather than time out with nothing.
@Suite("Ozon chat updates under a slow list")
struct OzonChatSlowSweepTests {
    /// A list of 30 pages of one chat each; every list call moves `clock` 300 s on, as if Ozon
    /// took that long to answer (far more than a loaded machine takes in real time between
    /// pages, which the clock adds).
    struct Host: SimulatedHost {
        let clock: OzonTestClock

        func handle(_ request: SimulatorRequest) async -> HTTPResponse {
            let body = request.jsonObject() ?? [:]
            switch request.path {
            case "/v3/chat/list":
                clock.advance(by: .seconds(300))
                let index = (body["cursor"] as? String).flatMap { Int($0.dropFirst()) } ?? 1
                let json = #"{"chats":[{"chat":{"chat_id":"c\#(index)","chat_status":"OPENED","chat_type":"BUYER_SELLER","#
                    + #""created_at":"2026-05-14T07:00:00Z"},"last_message_id":"\#(1000 - index)","unread_count":1}],"#
                    + #""cursor":"p\#(index + 1)","has_next":\#(index < 30)}"#
                return HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: Array(json.utf8))
            case "/v3/chat/history":
                let chat = body["chat_id"] as? String ?? ""
                let id = body["from_message_id"] as? Int ?? 1
                let json = #"{"has_next":false,"messages":[{"message_id":\#(id),"created_at":"2026-05-14T07:09:29Z","data":["\#(chat)"],"#
                    + #""is_read":false,"user":{"id":"77","type":"Customer"}}]}"#
                return HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: Array(json.utf8))
            default:
                return SimulatorResponse.text("404 page not found", status: 404)
            }
        }

        func faultResponse(_ fault: Fault) -> HTTPResponse {
            SimulatorResponse.json(["code": 13, "message": "Internal error"], status: 500)
        }
    }

    @Test("given list pages that take 300 s each and a 2,000 s deadline, when reading updates, then each call reports what it read in half its time and the next goes on from there",
          .timeLimit(.minutes(1)))
    func slowListSweptOverCalls() async throws {
        let clock = OzonTestClock()
        try await OzonHostedRegistry.run(Host(clock: clock), key: ConnectorKey(.ozon, .chat), clock: clock) { connector in
            try await sweep(connector, clock: clock)
        }
    }

    private func sweep(_ connector: any ChannelConnector, clock: OzonTestClock) async throws {
        // when: the first call, with 2,000 s
        let first = try await connector.updates(since: nil, limit: 100, deadline: clock.now + .seconds(2_000))
        // then: the pages read before half its time was gone, and more to come
        #expect(first.items.map(\.id) == ["c4", "c3", "c2", "c1"])
        #expect(first.hasMore)
        // and: the next call goes on where it stopped
        let second = try await connector.updates(since: first.nextCursor, limit: 100, deadline: clock.now + .seconds(2_000))
        #expect(second.items.map(\.id) == ["c8", "c7", "c6", "c5"])
    }
}

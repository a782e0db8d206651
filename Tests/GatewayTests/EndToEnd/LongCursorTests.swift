import Foundation
import MarketplaceSimulator
import Testing

@Suite("cursors around a marketplace's long list position, end to end", .serialized)
struct LongCursorTests {
    typealias Answer = (status: Int, headers: [String: String], body: [String: Any], text: String)

    /// The first page of 150 Ozon chats listed 100 at a time through the binary, whose Ozon
    /// pads its chat list cursor to `cursorLength`, and the second page asked for with the
    /// cursor the first gave, if it gave one.
    func listTwoPages(cursorLength: Int) async throws -> (first: Answer, second: Answer?) {
        var options = OzonSimulatorOptions(chatCount: 150)
        options.chatListCursorLength = cursorLength
        let ozon = try OzonSimulator(options: options)
        let started = try OzonTenantGateway(ozon: ozon, drainMilliseconds: 1000)
        defer { started.removeConfiguration() }
        let gateway = started.process
        let key = OzonTenantGateway.key
        let first = try await GatewayClient.send("GET", port: gateway.port, "/connectors/ozon/chat/items?limit=100", key: key)
        var second: Answer?
        if let cursor = first.body["next_cursor"] as? String {
            second = try await GatewayClient.send("POST", port: gateway.port, "/connectors/ozon/chat/items", key: key,
                                                  json: #"{"limit":100,"cursor":"\#(cursor)"}"#)
        }
        gateway.signal(SIGTERM)
        _ = await gateway.waitForExit()
        await ozon.stop()
        return (first, second)
    }

    @Test("given an Ozon chat list cursor of 1,500 characters, when the chats are listed 100 at a time, then the next page opens with the cursor handed out",
          .timeLimit(.minutes(1)))
    func longPositionCarried() async throws {
        let (first, second) = try await listTwoPages(cursorLength: 1500)
        #expect(first.status == 200)
        let next = try #require(second, "\(first.text.prefix(300))")
        #expect(next.status == 200, "\(next.text.prefix(300))")
        #expect(((first.body["items"] as? [Any])?.count ?? 0) + ((next.body["items"] as? [Any])?.count ?? 0) >= 150)
    }

    @Test("given an Ozon chat list cursor too long to carry, when the chats are listed, then the answer is a 502 saying so, not a cursor that would not open",
          .timeLimit(.minutes(1)))
    func tooLongRefused() async throws {
        let (listed, _) = try await listTwoPages(cursorLength: 4000)
        #expect(listed.status == 502, "\(listed.text.prefix(300))")
        #expect(listed.body["code"] as? String == "upstream_error")
        #expect((listed.body["detail"] as? String)?.contains("too long to carry in a cursor") == true, "\(listed.text.prefix(400))")
    }
}

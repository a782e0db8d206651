import Foundation
import MarketplaceSimulator
import Testing

@Suite("cursors around a marketplace's long list position, end to end", .serialized)
struct LongCursorTests {
    @Test("given an Ozon chat list cursor of 1,500 characters, when the chats are listed 100 at a time, then the next page opens with the cursor handed out",
          .timeLimit(.minutes(1)))
    func longPositionCarried() async throws {
        // given
        var options = OzonSimulatorOptions(chatCount: 150)
        options.chatListCursorLength = 1500
        let ozon = try OzonSimulator(options: options)
        let started = try OzonTenantGateway(ozon: ozon, drainMilliseconds: 1000)
        defer { started.removeConfiguration() }
        let gateway = started.process
        // when
        let first = try await GatewayClient.send("GET", port: gateway.port, "/connectors/ozon/chat/items?limit=100", key: OzonTenantGateway.key)
        let cursor = try #require(first.body["next_cursor"] as? String, "\(first.text.prefix(300))")
        let second = try await GatewayClient.send("POST", port: gateway.port, "/connectors/ozon/chat/items", key: OzonTenantGateway.key,
                                                  json: #"{"limit":100,"cursor":"\#(cursor)"}"#)
        gateway.signal(SIGTERM)
        _ = await gateway.waitForExit()
        await ozon.stop()
        // then
        #expect(first.status == 200)
        #expect(second.status == 200, "\(second.text.prefix(300))")
        #expect(((first.body["items"] as? [Any])?.count ?? 0) + ((second.body["items"] as? [Any])?.count ?? 0) >= 150)
    }

    @Test("given an Ozon chat list cursor too long to carry, when the chats are listed, then the answer is a 502 saying so, not a cursor that would not open",
          .timeLimit(.minutes(1)))
    func tooLongRefused() async throws {
        // given
        var options = OzonSimulatorOptions(chatCount: 150)
        options.chatListCursorLength = 4000
        let ozon = try OzonSimulator(options: options)
        let started = try OzonTenantGateway(ozon: ozon, drainMilliseconds: 1000)
        defer { started.removeConfiguration() }
        let gateway = started.process
        // when
        let listed = try await GatewayClient.send("GET", port: gateway.port, "/connectors/ozon/chat/items?limit=100", key: OzonTenantGateway.key)
        gateway.signal(SIGTERM)
        _ = await gateway.waitForExit()
        await ozon.stop()
        // then
        #expect(listed.status == 502, "\(listed.text.prefix(300))")
        #expect(listed.body["code"] as? String == "upstream_error")
        #expect((listed.body["detail"] as? String)?.contains("too long to carry in a cursor") == true, "\(listed.text.prefix(400))")
    }
}

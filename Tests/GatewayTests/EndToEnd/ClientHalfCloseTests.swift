import Foundation
import Glibc
import MarketplaceSimulator
import Testing

@Suite("a client's half-close while its call waits on the marketplace, end to end", .serialized)
struct ClientHalfCloseTests {
    @Test("given a list and a reply waiting on Ozon, when each client shuts its sending side, then the list's call is cancelled and logged 499, and the reply runs to its end and is answered",
          .timeLimit(.minutes(1)))
    func readsAreLetGoWritesAnswered() async throws {
        // given: a gateway in front of an Ozon, and a review to answer
        let ozon = try OzonSimulator()
        let key = OzonTenantGateway.key
        // (a FIN sent once the call is out is the client leaving, however soon)
        let started = try OzonTenantGateway(ozon: ozon, drainMilliseconds: 400, halfCloseGraceMilliseconds: 0)
        defer { started.removeConfiguration() }
        let gateway = started.process
        let reviewID = try await started.firstReviewID()

        // when: a list whose call Ozon holds for 30 s, whose client sends its FIN once the call is out
        ozon.faults.inject(.latency(.seconds(30)), times: 1)
        let list = try RawHTTPClient.connectAndSend(port: gateway.port, requests: [
            "GET /connectors/ozon/review/items?limit=5 HTTP/1.1\r\nHost: g\r\nX-Request-ID: fin-list\r\nAuthorization: Bearer \(key)\r\n\r\n",
        ])[0]
        for _ in 0..<500 where ozon.faults.pending > 0 { try await Task.sleep(for: .milliseconds(20)) }
        try #require(ozon.faults.pending == 0, "the list never reached Ozon")
        shutdown(list, Int32(SHUT_WR))

        // then: its call is cancelled while Ozon still holds it (a deadlock guard, well inside the 30 s)
        var cancelled = false
        for _ in 0..<400 where !cancelled {
            let metrics = try await GatewayClient.send("GET", port: gateway.port, "/metrics", key: nil)
            cancelled = metrics.text.contains(#"gateway_upstream_calls_total{marketplace="ozon",channel="review",outcome="cancelled"} 1"#)
            if !cancelled { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(cancelled, "the list's call ran on for a client that had gone")
        let listAnswer = await RawHTTPClient.readAllUntilClose([list])[0]
        #expect(listAnswer.isEmpty, "\(listAnswer)")

        // when: a reply (a write) whose call Ozon holds for three seconds, its client's FIN sent as
        // it waits (held long enough that a stalled test still sends the FIN before the answer)
        ozon.faults.inject(.latency(.seconds(3)), times: 1)
        let text = #"{"text":"Thank you for the review"}"#
        let reply = try RawHTTPClient.connectAndSend(port: gateway.port, requests: [
            "POST /connectors/ozon/review/items/\(reviewID)/reply HTTP/1.1\r\nHost: g\r\nX-Request-ID: fin-reply\r\n"
                + "Authorization: Bearer \(key)\r\nContent-Type: application/json\r\nContent-Length: \(text.utf8.count)\r\n\r\n\(text)",
        ])[0]
        for _ in 0..<500 where ozon.faults.pending > 0 { try await Task.sleep(for: .milliseconds(20)) }
        try #require(ozon.faults.pending == 0, "the reply never reached Ozon")
        shutdown(reply, Int32(SHUT_WR))

        // then: the reply is answered
        let replyAnswer = await RawHTTPClient.readAllUntilClose([reply])[0]
        #expect(replyAnswer.hasPrefix("HTTP/1.1 200 "), "\(replyAnswer)")

        // and the log says what each client got
        gateway.signal(SIGTERM)
        #expect(await gateway.waitForExit() == 0)
        await ozon.stop()
        let lines = gateway.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let listLine = try #require(lines.first { $0["request_id"] as? String == "fin-list" }, "\(gateway.stdout.suffix(1200))")
        #expect(listLine["status"] as? Int == 499)
        #expect(listLine["bytes"] as? Int == 0)
        let replyLine = try #require(lines.first { $0["request_id"] as? String == "fin-reply" }, "\(gateway.stdout.suffix(1200))")
        #expect(replyLine["status"] as? Int == 200)
    }
}

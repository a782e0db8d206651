import Foundation
import Glibc
import MarketplaceSimulator
import Testing

@Suite("the end of a drain's grace period, end to end", .serialized)
struct DrainCutTests {
    @Test("given a list and a keyed reply waiting on Ozon when the drain's time runs out, then each client gets the 504 of its cut call with Connection: close, each log line says 504, not 499, and the gateway exits 0",
          .timeLimit(.minutes(1)))
    func requestsCutShortAreAnswered() async throws {
        // given: a gateway with a drain of 400 ms in front of an Ozon, and a review to answer
        let ozon = try OzonSimulator()
        let key = OzonTenantGateway.key
        let started = try OzonTenantGateway(ozon: ozon, drainMilliseconds: 400)
        defer { started.removeConfiguration() }
        let gateway = started.process
        let reviewID = try await started.firstReviewID()
        // and: a list and a keyed reply whose calls Ozon answers only after 30 s
        ozon.faults.inject(.latency(.seconds(30)), times: 2)
        let reply = #"{"text":"Thank you for the review"}"#
        let fds = try RawHTTPClient.connectAndSend(port: gateway.port, requests: [
            "GET /connectors/ozon/review/items?limit=5 HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer \(key)\r\n\r\n",
            "POST /connectors/ozon/review/items/\(reviewID)/reply HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer \(key)\r\n"
                + "Idempotency-Key: cut-1\r\nContent-Type: application/json\r\nContent-Length: \(reply.utf8.count)\r\n\r\n\(reply)",
        ])
        for _ in 0..<500 where ozon.faults.pending > 0 { try await Task.sleep(for: .milliseconds(20)) }
        try #require(ozon.faults.pending == 0, "the requests never reached Ozon")

        // when: SIGTERM, and the drain's 400 ms run out with both still waiting on Ozon
        gateway.signal(SIGTERM)
        let answers = await RawHTTPClient.readAllUntilClose(fds)
        let status = await gateway.waitForExit()
        await ozon.stop()

        // then: each got an answer, the 504 of the call the drain ended, and its connection closed
        #expect(status == 0, "\(gateway.stdout.suffix(600))")
        for answer in answers {
            #expect(answer.hasPrefix("HTTP/1.1 504 "), "\(answer)")
            #expect(answer.lowercased().contains("\r\nconnection: close\r\n"), "\(answer)")
            #expect(answer.contains(#""code":"upstream_timeout""#), "\(answer)")
        }
        #expect(answers[0].contains("review.list was cancelled before the marketplace answered"), "\(answers[0])")
        // the reply's outcome is the one a retry under its key is given: the write may have gone out
        #expect(answers[1].contains("may have"), "\(answers[1])")
        // and the log says what the clients got
        let lines = gateway.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let cut = lines.filter { ($0["route"] as? String).map { $0.hasSuffix("/items") || $0.hasSuffix("/reply") } == true
            && $0["method"] as? String != nil && ($0["status"] as? Int) != 200 }
        #expect(cut.count == 2, "\(gateway.stdout.suffix(1200))")
        #expect(cut.allSatisfy { $0["status"] as? Int == 504 && ($0["bytes"] as? Int ?? 0) > 0 }, "\(cut)")
    }
}

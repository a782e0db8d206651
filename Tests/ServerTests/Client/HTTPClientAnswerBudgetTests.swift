import HTTP
import Server
import Testing

@Suite("HTTPClient: answers held within a shared ceiling")
struct HTTPClientAnswerBudgetTests {
    @Test("given a shared ceiling other answers have nearly filled, when an answer would pass it, then the call fails overBudget and gives back what it took; with room, the same call succeeds")
    func overBudget() async throws {
        // given: 2,000-byte answers, and a ceiling of 4,096 with 3,596 already held elsewhere
        let upstream = ScriptedUpstream { peer in
            while peer.readRequest() != nil {
                peer.send("HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n" + String(repeating: "x", count: 2000))
            }
            peer.close()
        }
        defer { upstream.stop() }
        let budget = BodyBudget(limit: 4096)
        #expect(budget.take(3596))
        let client = HTTPClient(host: "127.0.0.1", port: upstream.port, configuration: .init(answerBudget: budget))
        let request = HTTPClientRequest(method: "GET", target: Array("/page".utf8), isIdempotent: true)
        // when / then
        await #expect(throws: HTTPClientError.overBudget(limit: 4096)) { try await client.execute(request, timeout: .seconds(5)) }
        #expect(budget.inUse == 3596, "the failed answer's bytes are given back")
        budget.release(3596)
        let response = try await client.execute(request, timeout: .seconds(5))
        #expect(response.body.count == 2000)
        #expect(budget.inUse == 0, "a completed answer's bytes are given back")
    }
}

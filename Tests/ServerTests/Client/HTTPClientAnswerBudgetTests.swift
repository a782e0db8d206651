import HTTP
import Server
import Testing

@Suite("HTTPClient: answers held within a shared ceiling")
struct HTTPClientAnswerBudgetTests {
    /// Answers of `length` bytes to every request on every connection.
    static func upstream(length: Int) -> ScriptedUpstream {
        ScriptedUpstream { peer in
            while peer.readRequest() != nil {
                peer.send("HTTP/1.1 200 OK\r\nContent-Length: \(length)\r\n\r\n" + String(repeating: "x", count: length))
            }
            peer.close()
        }
    }

    static let request = HTTPClientRequest(method: "GET", target: Array("/page".utf8), isIdempotent: true)

    @Test("given a shared ceiling other answers have nearly filled, when an answer would pass it, then the call fails overBudget and gives back what it took; with room, it succeeds and holds its bytes until the response goes")
    func overBudget() async throws {
        // given: 200,000-byte answers, and a ceiling of 1 MiB with all but 10,000 bytes held elsewhere
        let upstream = Self.upstream(length: 200_000)
        defer { upstream.stop() }
        let budget = BodyBudget(limit: 1 << 20)
        #expect(budget.take((1 << 20) - 10_000) == .taken)
        let client = HTTPClient(host: "127.0.0.1", port: upstream.port, configuration: .init(answerBudget: budget))
        // when / then
        await #expect(throws: HTTPClientError.overBudget(limit: 1 << 20)) { try await client.execute(Self.request, timeout: .seconds(5)) }
        #expect(budget.inUse == (1 << 20) - 10_000, "the failed answer's bytes are given back")
        budget.release((1 << 20) - 10_000)
        do {
            let response = try await client.execute(Self.request, timeout: .seconds(5))
            #expect(response.body.count == 200_000)
            withExtendedLifetime(response) { #expect(budget.inUse >= 200_000, "held while the response is") }
        }
        // The loop that resumed this task lets go of its copy a moment after.
        #expect(await Self.drained(budget), "given back when the response goes")
    }

    /// Whether `budget` comes back to empty within five seconds.
    static func drained(_ budget: BodyBudget) async -> Bool {
        let end = ContinuousClock.now + .seconds(5)
        while budget.inUse != 0, ContinuousClock.now < end { try? await Task.sleep(for: .milliseconds(1)) }
        return budget.inUse == 0
    }

    @Test("given a full ceiling, then a small answer still comes through, and one larger than the whole ceiling fails as too large")
    func smallAdmittedLargeNever() async throws {
        let small = Self.upstream(length: 2_000)
        defer { small.stop() }
        let budget = BodyBudget(limit: 100_000)
        #expect(budget.take(100_000) == .taken)
        do {
            let response = try await HTTPClient(host: "127.0.0.1", port: small.port, configuration: .init(answerBudget: budget))
                .execute(Self.request, timeout: .seconds(5))
            #expect(response.body.count == 2_000)
        }
        budget.release(100_000)
        #expect(await Self.drained(budget), "the small answer's bytes are given back before the large one is asked for")
        let large = Self.upstream(length: 200_000)
        defer { large.stop() }
        await #expect(throws: HTTPClientError.responseTooLarge(limit: 100_000)) {
            try await HTTPClient(host: "127.0.0.1", port: large.port, configuration: .init(answerBudget: budget)).execute(Self.request, timeout: .seconds(5))
        }
    }
}

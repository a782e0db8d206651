@testable import Connectors
import Foundation
import MarketplaceSimulator
import Testing

@Suite("Upstream calls end to end over loopback", .timeLimit(.minutes(1)))
struct UpstreamCallerEndToEndTests {
    /// A caller with real time but tiny waits, talking to `simulator` through URLSession.
    func caller(for simulator: SimulatorServer) -> UpstreamCaller {
        let client = URLSessionUpstreamClient(baseURL: simulator.baseURL)
        return UpstreamCaller(marketplace: .ozon, client: client, classifier: StatusClassifier(marketplace: .ozon),
                              budget: RateBudget(limit: .ozon), breaker: CircuitBreaker(host: client.host),
                              retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5)),
                              attemptTimeout: .seconds(10))
    }

    func withSimulator(_ body: (SimulatorServer) async throws -> Void) async throws {
        let simulator = SimulatorServer(host: PlainSimulatedHost())
        try simulator.start()
        do {
            try await body(simulator)
        } catch {
            await simulator.stop()
            throw error
        }
        await simulator.stop()
    }

    @Test("a read answered 503 twice and then 200 succeeds on the third request")
    func retriesThroughTwo503s() async throws {
        try await withSimulator { simulator in
            simulator.faults.inject(.serverError(status: 503), times: 2)
            let request = UpstreamRequest.json("POST", "/v1/review/list", body: Array(#"{"limit":20}"#.utf8),
                                               safety: .idempotent, operation: "review.list")
            let response = try await caller(for: simulator).call(request, deadline: .now + .seconds(30))
            #expect(response.status == 200)
            #expect(response.json()?["ok"] == .bool(true))
            #expect(simulator.log.total == 3)
            #expect(simulator.log.all.map(\.status) == [503, 503, 200])
        }
    }

    @Test("a reply answered 500 is sent once and reported")
    func writeNotRepeatedAfter500() async throws {
        try await withSimulator { simulator in
            simulator.faults.inject(.serverError(status: 500), times: 3)
            let request = UpstreamRequest.json("POST", "/v1/review/comment/create", body: Array(#"{"text":"Спасибо"}"#.utf8),
                                               safety: .nonIdempotent, operation: "review.comment")
            let error = await #expect(throws: ConnectorError.self) {
                try await caller(for: simulator).call(request, deadline: .now + .seconds(30))
            }
            guard case .upstreamError(let failure)? = error else {
                Issue.record("expected upstreamError, got \(String(describing: error))")
                return
            }
            #expect(failure.status == 500)
            #expect(failure.message == "upstream failure")
            #expect(simulator.log.total == 1)
        }
    }
}

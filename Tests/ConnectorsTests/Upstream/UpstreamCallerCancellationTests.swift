@testable import Connectors
import Foundation
import HTTP
import Testing

@Suite("Upstream calls abandoned by their caller", .timeLimit(.minutes(1)))
struct UpstreamCallerCancellationTests {
    @Test("cancelling the calling task while the upstream works ends the call and abandons the request")
    func cancellationReachesTheUpstreamRequest() async throws {
        let upstream = try HoldingServer()
        defer { upstream.stop() }
        let client = URLSessionUpstreamClient(baseURL: upstream.baseURL)
        let breaker = CircuitBreaker(host: client.host, failureThreshold: 1)
        let caller = UpstreamCaller(marketplace: .wildberries, client: client, classifier: StatusClassifier(),
                                    budget: RateBudget(limit: .wildberriesFeedbacks), breaker: breaker,
                                    attemptTimeout: .seconds(120))
        // Deadline and attempt timeout far beyond the test's time limit: only cancellation ends this in time.
        let call = Task { try await caller.call(.read, deadline: .now + .seconds(120)) }
        await upstream.waitForRequests(1)
        call.cancel()
        let result = await call.result
        guard case .failure(ConnectorError.upstreamTimeout(let failure?)) = result else {
            Issue.record("expected upstreamTimeout, got \(result)")
            return
        }
        #expect(failure.message.contains("cancelled"))
        #expect(await upstream.waitForCloses(1), "the request's connection was closed, not left to the upstream")
        #expect(upstream.requestCount == 1, "an abandoned call is not retried")
        #expect(breaker.state == .closed, "a caller leaving says nothing about the host")
    }
}

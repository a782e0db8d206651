@testable import Connectors
import Foundation

/// An `UpstreamCaller` wired to a scripted upstream and a manual clock, with a roomy budget
/// and a breaker that stays closed unless a test asks otherwise.
struct CallerHarness {
    let clock = ManualClock()
    let client: ScriptedUpstreamClient
    let budget: RateBudget
    let breaker: CircuitBreaker
    let caller: UpstreamCaller

    init(_ steps: [ScriptedUpstreamClient.Step],
         retry: RetryPolicy = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(100), maxDelay: .seconds(1), random: { 0 }),
         limit: RateLimit = RateLimit(burst: 100, interval: .milliseconds(1)),
         failureThreshold: Int = 100, coolDown: Duration = .seconds(30),
         classifier: StatusClassifier = StatusClassifier(),
         attemptTimeout: Duration = .seconds(10)) {
        client = ScriptedUpstreamClient(steps)
        budget = RateBudget(limit: limit, clock: clock)
        breaker = CircuitBreaker(host: client.host, failureThreshold: failureThreshold, coolDown: coolDown, clock: clock)
        caller = UpstreamCaller(marketplace: .wildberries, client: client, classifier: classifier, budget: budget,
                                breaker: breaker, retry: retry, attemptTimeout: attemptTimeout, clock: clock)
    }

    /// Calls with a deadline `within` from the clock's now.
    func call(_ request: UpstreamRequest = .read, within: Duration = .seconds(60),
              budget use: UpstreamCaller.BudgetUse = .wait) async throws(ConnectorError) -> UpstreamResponse {
        try await caller.call(request, deadline: clock.now + within, budget: use)
    }

    /// Starts a call in its own task, for tests that advance the clock or cancel meanwhile.
    func start(_ request: UpstreamRequest = .read, within: Duration = .seconds(60)) -> Task<UpstreamResponse, any Error> {
        let caller = caller, deadline = clock.now + within
        return Task { try await caller.call(request, deadline: deadline) }
    }
}

extension UpstreamRequest {
    static let read = UpstreamRequest(method: "GET", path: "/api/v1/feedbacks", query: [("isAnswered", "false")],
                                      safety: .idempotent, operation: "feedbacks.list")
    static let write = UpstreamRequest.json("POST", "/api/v1/feedbacks/answer", body: Array(#"{"id":"a","text":"Thanks"}"#.utf8),
                                            safety: .nonIdempotent, operation: "feedbacks.answer")
}

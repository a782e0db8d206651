/// Every upstream call of one (marketplace, host, credential) goes through here: the deadline,
/// the circuit breaker, the rate budget, the send, the marketplace's classification of the
/// answer, and retries where they are safe. Connectors build requests and decode successes;
/// everything between is this type's.
public final class UpstreamCaller: Sendable {
    public let marketplace: Marketplace
    public let client: any UpstreamClient
    public let classifier: any UpstreamErrorClassifier
    public let budget: RateBudget
    public let breaker: CircuitBreaker
    public let retry: RetryPolicy
    /// The longest a single attempt may take, whatever the deadline leaves.
    public let attemptTimeout: Duration
    private let clock: any ResilienceClock

    public init(marketplace: Marketplace, client: any UpstreamClient, classifier: any UpstreamErrorClassifier,
                budget: RateBudget, breaker: CircuitBreaker, retry: RetryPolicy = .default,
                attemptTimeout: Duration = .seconds(10), clock: any ResilienceClock = SystemResilienceClock()) {
        self.marketplace = marketplace
        self.client = client
        self.classifier = classifier
        self.budget = budget
        self.breaker = breaker
        self.retry = retry
        self.attemptTimeout = attemptTimeout
        self.clock = clock
    }

    /// Sends `request` until it succeeds, fails for good, or `deadline` leaves no room for
    /// another attempt; returns the successful (2xx) response. Cancelling the calling task
    /// abandons the upstream request.
    public func call(_ request: UpstreamRequest, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> UpstreamResponse {
        var attempt = 0
        while true {
            attempt += 1
            let failure: ConnectorError
            let retryAfter: Duration?
            switch await attemptOnce(request, deadline: deadline) {
            case .success(let response):
                return response
            case .failure(let error, let wait, let retryable):
                guard retryable, attempt < retry.maxAttempts else { throw error }
                failure = error
                retryAfter = wait
            }
            let delay = retry.delay(afterAttempt: attempt, retryAfter: retryAfter)
            let resume = clock.now + delay
            // Waiting past the deadline only to fail there helps nobody: report now.
            guard resume < deadline else { throw failure }
            do { try await clock.sleep(until: resume) } catch { throw cancelled(request) }
        }
    }

    private enum Outcome {
        case success(UpstreamResponse)
        case failure(ConnectorError, retryAfter: Duration?, retryable: Bool)
    }

    private func attemptOnce(_ request: UpstreamRequest, deadline: ContinuousClock.Instant) async -> Outcome {
        if Task.isCancelled { return .failure(cancelled(request), retryAfter: nil, retryable: false) }
        let start = clock.now
        guard start < deadline else {
            return .failure(.upstreamTimeout(UpstreamFailure(marketplace: marketplace, status: nil,
                                                             message: "deadline passed before \(request.operation) could be sent")),
                            retryAfter: nil, retryable: false)
        }
        do {
            try breaker.admit(marketplace: marketplace)
        } catch {
            return .failure(error, retryAfter: nil, retryable: false)
        }
        do {
            try await budget.acquire(deadline: deadline, marketplace: marketplace)
        } catch {
            breaker.recordNeutral()
            if Task.isCancelled { return .failure(cancelled(request), retryAfter: nil, retryable: false) }
            return .failure(error, retryAfter: nil, retryable: false)
        }
        let remaining = deadline - clock.now
        guard remaining > .zero else {
            breaker.recordNeutral()
            return .failure(.upstreamTimeout(UpstreamFailure(marketplace: marketplace, status: nil,
                                                             message: "deadline passed waiting for the rate budget")),
                            retryAfter: nil, retryable: false)
        }
        let response: UpstreamResponse
        do {
            response = try await client.send(request, timeout: min(remaining, attemptTimeout))
        } catch {
            return transportFailure(error, request: request)
        }
        if let value = response.header("x-ratelimit-remaining") ?? response.header("ratelimit-remaining"),
           let remaining = Int(value.trimmingCharacters(in: .whitespaces)) {
            budget.sync(remaining: remaining)
        }
        guard let error = classifier.classify(response, for: request) else {
            breaker.recordSuccess()
            return .success(response)
        }
        let announced = RetryAfter.delay(in: response)
        return classified(error, status: response.status, announced: announced, request: request)
    }

    private func classified(_ error: ConnectorError, status: Int, announced: Duration?, request: UpstreamRequest) -> Outcome {
        let idempotent = request.safety == .idempotent
        switch error {
        case .upstreamRateLimited(let wait, let failure):
            let wait = wait ?? announced
            budget.pause(for: wait ?? .seconds(1))
            breaker.recordSuccess()
            return .failure(.upstreamRateLimited(retryAfter: wait, failure), retryAfter: wait, retryable: true)
        case .upstreamUnavailable(let wait, let failure):
            let wait = wait ?? announced
            breaker.recordFailure()
            return .failure(.upstreamUnavailable(retryAfter: wait, failure), retryAfter: wait,
                            retryable: idempotent || status == 503)
        case .upstreamError:
            if status >= 500 {
                breaker.recordFailure()
                return .failure(error, retryAfter: announced, retryable: idempotent || status == 503)
            }
            breaker.recordSuccess()
            return .failure(error, retryAfter: nil, retryable: false)
        case .upstreamTimeout:
            breaker.recordFailure()
            return .failure(error, retryAfter: announced, retryable: idempotent)
        default:
            // The host answered and refused the request itself: it is healthy, and asking
            // again would get the same answer (401, 403, 404, 422…).
            breaker.recordSuccess()
            return .failure(error, retryAfter: nil, retryable: false)
        }
    }

    private func transportFailure(_ error: UpstreamTransportError, request: UpstreamRequest) -> Outcome {
        let idempotent = request.safety == .idempotent
        switch error {
        case .cancelled:
            breaker.recordNeutral()
            return .failure(cancelled(request), retryAfter: nil, retryable: false)
        case .timedOut:
            breaker.recordFailure()
            return .failure(.upstreamTimeout(UpstreamFailure(marketplace: marketplace, status: nil,
                                                             message: "\(client.host) did not answer \(request.operation) in time")),
                            retryAfter: nil, retryable: idempotent)
        case .connectionRefused(let reason):
            breaker.recordFailure()
            return .failure(.upstreamError(UpstreamFailure(marketplace: marketplace, status: nil,
                                                           message: "cannot connect to \(client.host): \(reason)")),
                            retryAfter: nil, retryable: true)
        case .connectionLost(let reason):
            breaker.recordFailure()
            return .failure(.upstreamError(UpstreamFailure(marketplace: marketplace, status: nil,
                                                           message: "connection to \(client.host) lost: \(reason)")),
                            retryAfter: nil, retryable: idempotent)
        }
    }

    private func cancelled(_ request: UpstreamRequest) -> ConnectorError {
        .upstreamTimeout(UpstreamFailure(marketplace: marketplace, status: nil,
                                         message: "\(request.operation) was cancelled by the caller"))
    }
}

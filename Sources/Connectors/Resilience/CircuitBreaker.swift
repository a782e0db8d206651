import Synchronization

/// Stops calling an upstream host that keeps failing, so a dead upstream costs callers a fast
/// 503 instead of a slow timeout each, and gives it room to recover. Closed → open after
/// `failureThreshold` consecutive failures; after `coolDown` one probe is let through
/// (half-open): its success closes the circuit, its failure opens it for another cool-down.
public final class CircuitBreaker: Sendable {
    public enum State: String, Sendable, Equatable {
        case closed
        case open
        case halfOpen = "half_open"
    }

    public let host: String
    public let failureThreshold: Int
    public let coolDown: Duration
    private let clock: any ResilienceClock

    private struct Storage {
        var consecutiveFailures = 0
        var openedUntil: ContinuousClock.Instant?
        var probeInFlight = false
    }

    private let storage = Mutex(Storage())

    public init(host: String, failureThreshold: Int = 5, coolDown: Duration = .seconds(30),
                clock: any ResilienceClock = SystemResilienceClock()) {
        precondition(failureThreshold >= 1, "failureThreshold must be at least 1")
        self.host = host
        self.failureThreshold = failureThreshold
        self.coolDown = coolDown
        self.clock = clock
    }

    public var state: State {
        let now = clock.now
        return storage.withLock { s in
            guard let until = s.openedUntil else { return .closed }
            return now < until ? .open : .halfOpen
        }
    }

    /// Lets a call through, or throws `upstreamUnavailable` with the time left in the cool-down.
    /// In half-open state only one probe at a time is admitted.
    public func admit(marketplace: Marketplace) throws(ConnectorError) {
        let now = clock.now
        let refusal: Duration? = storage.withLock { s in
            guard let until = s.openedUntil else { return nil }
            if now < until { return until - now }
            if s.probeInFlight { return coolDown }
            s.probeInFlight = true
            return nil
        }
        if let refusal {
            throw .upstreamUnavailable(
                retryAfter: refusal,
                UpstreamFailure(marketplace: marketplace, status: nil,
                                message: "circuit open for \(host) after repeated failures"))
        }
    }

    public func recordSuccess() {
        storage.withLock { s in
            s = Storage()
        }
    }

    /// A failure that says the host is unwell: 5xx, timeouts, lost connections. Rejections of
    /// the request itself (4xx) are not failures of the host.
    public func recordFailure() {
        let now = clock.now
        storage.withLock { s in
            if s.probeInFlight || s.openedUntil != nil {
                s.probeInFlight = false
                s.openedUntil = now + coolDown
                return
            }
            s.consecutiveFailures += 1
            if s.consecutiveFailures >= failureThreshold {
                s.openedUntil = now + coolDown
            }
        }
    }

    /// The call admitted as a probe ended without telling anything about the host (cancelled,
    /// or rejected for its content): let the next call probe instead.
    public func recordNeutral() {
        storage.withLock { $0.probeInFlight = false }
    }
}

import Synchronization

/// Stops calling an upstream host that keeps failing, so a dead upstream costs callers a fast
/// 503 instead of a slow timeout each, and gives it room to recover. Closed → open after
/// `failureThreshold` consecutive failures; after `coolDown` one probe is let through
/// (half-open): its success closes the circuit, its failure opens it for another cool-down.
public final class CircuitBreaker: Sendable {
    /// Where the circuit stands; the raw values are what the connector descriptor shows.
    public enum State: String, Sendable, Equatable {
        case closed
        case open
        case halfOpen = "half_open"
    }

    /// A call `admit` let through. Handing it back with its outcome (`record(_:for:)`) lets the
    /// breaker tell the half-open probe from calls admitted before the circuit opened, so that a
    /// late failure of one of those does not count against the probe: any call's success (the
    /// host answered) closes the circuit, but only the probe's failure opens it again.
    public struct Admission: Sendable, Equatable {
        /// Set when this call is the half-open probe.
        let probeID: UInt64?
        /// Whether a failure of this call counts toward opening the circuit.
        var countsFailures = true

        /// Whether this call is the one probe of a half-open circuit.
        public var isProbe: Bool { probeID != nil }

        /// A call that goes out whatever the circuit says and whose failures do not count: the
        /// look for a reply whose answer was lost (`UpstreamCaller.isLookingUp`). Its write's own
        /// failure has just been counted, and may have opened the circuit; refusing the look
        /// would leave a reply Ozon made reported as "may have applied", and counting the look's
        /// retries would let one lost answer open the circuit for every tenant of the account.
        static let lookUp = Admission(probeID: nil, countsFailures: false)
    }

    /// What an admitted call found out about the host.
    public enum Outcome: Sendable, Equatable {
        /// The host answered (also with a 4xx about the request itself, or a 429).
        case success
        /// The host is unwell: 5xx, timeout, refused or lost connection.
        case failure
        /// Nothing was learned: the call was cancelled or never sent.
        case neutral
    }

    /// The wait told to callers refused while the half-open probe is out.
    public static let probeWait = Duration.seconds(2)

    /// The upstream host the breaker guards, named in the `upstreamUnavailable` it throws.
    public let host: String
    /// Consecutive failures, while closed, that open the circuit (at least 1).
    public let failureThreshold: Int
    /// How long the circuit stays open before a probe is let through, and how long a probe may
    /// stay out before it is presumed lost, unless its call may last longer (`admit`'s deadline).
    public let coolDown: Duration
    private let clock: any ResilienceClock

    private struct Probe {
        var id: UInt64
        /// When it is presumed lost, and another probe let through.
        var lostAt: ContinuousClock.Instant
    }

    private struct Storage {
        var consecutiveFailures = 0
        var openedUntil: ContinuousClock.Instant?
        var probe: Probe?
        var lastProbeID: UInt64 = 0
    }

    private let storage = Mutex(Storage())

    /// A closed circuit. `failureThreshold` must be at least 1; `clock` is injected by tests.
    public init(host: String, failureThreshold: Int = 5, coolDown: Duration = .seconds(30),
                clock: any ResilienceClock = SystemResilienceClock()) {
        precondition(failureThreshold >= 1, "failureThreshold must be at least 1")
        self.host = host
        self.failureThreshold = failureThreshold
        self.coolDown = coolDown
        self.clock = clock
    }

    /// The state as of now: `open` during the cool-down, `halfOpen` once it has passed and until a
    /// probe's outcome closes or reopens the circuit.
    public var state: State {
        let now = clock.now
        return storage.withLock { s in
            guard let until = s.openedUntil else { return .closed }
            return now < until ? .open : .halfOpen
        }
    }

    /// Failures in a row while closed.
    public var consecutiveFailures: Int { storage.withLock { $0.consecutiveFailures } }

    /// Lets a call through, or throws `upstreamUnavailable` with the time left in the cool-down.
    /// In half-open state only one probe at a time is admitted; a probe that has not reported
    /// within one cool-down, or by `deadline` (the end of its call) when that is later, is
    /// presumed lost and another one is let through. So a slow write sent as the probe does not
    /// have a second call sent beside it to a host believed down.
    @discardableResult
    public func admit(marketplace: Marketplace, deadline: ContinuousClock.Instant? = nil) throws(ConnectorError) -> Admission {
        let now = clock.now
        let decision: Result<Admission, Refusal> = storage.withLock { s in
            guard s.openedUntil != nil else { return .success(Admission(probeID: nil)) }
            if let refusal = refusal(s, now: now) { return .failure(refusal) }
            s.lastProbeID += 1
            s.probe = Probe(id: s.lastProbeID, lostAt: max(now + coolDown, deadline ?? now))
            return .success(Admission(probeID: s.lastProbeID))
        }
        switch decision {
        case .success(let admission):
            return admission
        case .failure(let refusal):
            throw unavailable(refusal, marketplace: marketplace)
        }
    }

    /// Throws what `admit` would throw now, without letting the call through: for a call that
    /// has to wait (for its rate budget) before it is admitted, so that it neither waits for a
    /// host known to be down nor holds the half-open probe through that wait.
    public func check(marketplace: Marketplace) throws(ConnectorError) {
        let now = clock.now
        if let refusal = storage.withLock({ refusal($0, now: now) }) {
            throw unavailable(refusal, marketplace: marketplace)
        }
    }

    private struct Refusal: Error {
        var wait: Duration
    }

    /// Why a call arriving at `now` is turned away, if it is: the cool-down, or a probe still out.
    private func refusal(_ s: Storage, now: ContinuousClock.Instant) -> Refusal? {
        guard let until = s.openedUntil else { return nil }
        if now < until { return Refusal(wait: until - now) }
        if let probe = s.probe, now < probe.lostAt {
            // The probe's answer may close the circuit any moment: come back soon.
            return Refusal(wait: min(probe.lostAt - now, Self.probeWait))
        }
        return nil
    }

    private func unavailable(_ refusal: Refusal, marketplace: Marketplace) -> ConnectorError {
        .upstreamUnavailable(retryAfter: refusal.wait,
                             UpstreamFailure(marketplace: marketplace, status: nil,
                                             message: "circuit open for \(host) after repeated failures"))
    }

    /// Reports what the call `admission` let through found out.
    public func record(_ outcome: Outcome, for admission: Admission) {
        let now = clock.now
        storage.withLock { s in
            let isCurrentProbe = admission.probeID != nil && admission.probeID == s.probe?.id
            switch outcome {
            case .success:
                // The host answered: whoever learned it, it is up.
                s = Storage(lastProbeID: s.lastProbeID)
            case .failure where !admission.countsFailures:
                break
            case .failure:
                if isCurrentProbe {
                    s.probe = nil
                    s.openedUntil = now + coolDown
                } else if s.openedUntil == nil {
                    s.consecutiveFailures += 1
                    if s.consecutiveFailures >= failureThreshold { s.openedUntil = now + coolDown }
                }
                // A failure of a call admitted before the circuit opened tells nothing new.
            case .neutral:
                if isCurrentProbe { s.probe = nil }
            }
        }
    }

    /// The host answered, for callers that do not keep their `Admission`: closes the circuit.
    public func recordSuccess() {
        storage.withLock { s in
            s = Storage(lastProbeID: s.lastProbeID)
        }
    }

    /// A failure that says the host is unwell: 5xx, timeouts, lost connections. Rejections of
    /// the request itself (4xx) are not failures of the host. Without an `Admission` it is taken
    /// as the probe's failure whenever the circuit is not closed.
    public func recordFailure() {
        let now = clock.now
        storage.withLock { s in
            if s.probe != nil || s.openedUntil != nil {
                s.probe = nil
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
        storage.withLock { $0.probe = nil }
    }
}

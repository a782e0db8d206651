import Synchronization

/// One `CircuitBreaker` per seller account on one host. A marketplace can fail one account's
/// calls while it serves the others (its data, its entitlements, a bug on its side for that
/// seller), so one tenant's run of 5xx answers opens the circuit for the accounts that met it,
/// not for every tenant of the gateway; an outage of the whole host opens each account's circuit
/// after its own few failures. Every tenant configured with the same account shares its breaker.
public final class CircuitBreakers: Sendable {
    /// The upstream host every breaker of this set guards.
    public let host: String
    private let failureThreshold: Int
    private let coolDown: Duration
    private let clock: any ResilienceClock
    private let breakers = Mutex<[String: CircuitBreaker]>([:])

    /// The settings every account's breaker is made with (see `CircuitBreaker.init`).
    public init(host: String, failureThreshold: Int = 5, coolDown: Duration = .seconds(30),
                clock: any ResilienceClock = SystemResilienceClock()) {
        self.host = host
        self.failureThreshold = failureThreshold
        self.coolDown = coolDown
        self.clock = clock
    }

    /// The breaker of `account` on this host, made on first use.
    public func breaker(for account: String) -> CircuitBreaker {
        breakers.withLock { breakers in
            if let existing = breakers[account] { return existing }
            let breaker = CircuitBreaker(host: host, failureThreshold: failureThreshold, coolDown: coolDown, clock: clock)
            breakers[account] = breaker
            return breaker
        }
    }
}

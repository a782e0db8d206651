/// How often and how patiently a failed upstream call is tried again: exponential backoff with
/// full jitter (a random delay between zero and `base · 2^(attempt−1)`, capped at `maxDelay`),
/// lengthened to the upstream's own `Retry-After` when it sent a longer one. Every wait also has to fit the
/// caller's deadline; `UpstreamCaller` gives up rather than wait past it.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// The backoff ceiling after the first failed attempt; it doubles with each further one.
    public var baseDelay: Duration
    /// The cap on the backoff ceiling. An upstream's `Retry-After` is not capped by it.
    public var maxDelay: Duration
    /// Returns a value in 0..<1; injectable so tests see exact delays.
    public var random: @Sendable () -> Double

    /// Out-of-range values are clamped: at least one attempt, no negative delays.
    public init(maxAttempts: Int = 3, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(5),
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = max(baseDelay, .zero)
        self.maxDelay = max(maxDelay, .zero)
        self.random = random
    }

    /// Three attempts, backoff from 200 ms capped at 5 s: what connectors use unless configured.
    public static let `default` = RetryPolicy()
    /// One attempt: nothing is retried.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The wait before attempt `attempt + 1`, after attempt `attempt` (1-based) failed. The
    /// upstream's announced wait is the least one, however long (waiting less only earns another
    /// refusal, and the caller's deadline bounds it anyway); a shorter one, `Retry-After: 0`
    /// from a host that keeps failing, does not remove the backoff.
    public func delay(afterAttempt attempt: Int, retryAfter: Duration?) -> Duration {
        let backoff = ceiling(afterAttempt: attempt) * jitter()
        guard let retryAfter else { return backoff }
        return max(retryAfter, backoff)
    }

    /// The largest backoff after attempt `attempt`, before jitter: `baseDelay · 2^(attempt−1)`.
    public func ceiling(afterAttempt attempt: Int) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        return min(baseDelay * (1 << exponent), maxDelay)
    }

    /// The injected random number, forced into 0..<1 so that a sloppy source cannot reach the cap.
    private func jitter() -> Double {
        let value = random()
        guard value.isFinite, value > 0 else { return 0 }
        return min(value, 1.0.nextDown)
    }
}

/// A tenant's allowance: `rate` requests per second on average, `burst` at once.
public struct TenantRateLimit: Sendable, Equatable {
    /// Requests per second refilled, positive; fractions allowed (0.5: one every two seconds).
    public var rate: Double
    /// Requests that may come at once from a full allowance (at least 1).
    public var burst: Int

    /// Traps unless `rate` > 0 and `burst` ≥ 1; the configuration reader checks both first.
    public init(rate: Double, burst: Int) {
        precondition(rate > 0 && burst >= 1, "a tenant rate limit needs a positive rate and a burst ≥ 1")
        self.rate = rate
        self.burst = burst
    }

    /// The spacing the limiter keeps between requests once the burst is spent, in nanoseconds:
    /// the rate's reciprocal rounded down, so the limiter is never stricter than the rate given
    /// and a whole rate refills whole requests in a second (7/s: 142,857,142 ns, 7 a second).
    public var intervalNanoseconds: Int64 { max(1, Int64((1e9 / rate).rounded(.down))) }

    /// Whether `RateLimit-Policy` can promise the whole rate: the burst is refilled in a whole
    /// number of seconds, at least one (10/s with 20, 2.5/s with 5). Otherwise clients pacing by
    /// the policy stay below the rate.
    public var policyCoversTheRate: Bool {
        let (quota, window) = policy
        return Double(quota) / Double(window) >= rate * (1 - 1e-9)
    }

    /// The `q` and `w` of the `RateLimit-Policy` field: `quota` requests per `window` seconds,
    /// a promise kept however a client spends it. Sent at the start of every window, all of a
    /// window's requests pass, since `quota` is within the burst and the rate refills it
    /// within the window (draft §5: no value may expose more than the server allows). A token
    /// bucket is no fixed window, so the pair is the better of two that keep the promise: one
    /// second and what the rate refills in it (up to the burst), or the whole burst and the
    /// seconds it takes to refill; on a tie the longer, which tells the burst too. 20/s with
    /// a burst of 5 is `q=5;w=1` (twenty at once would not pass), 10/s with 20 is `q=20;w=2`.
    public var policy: (quota: Int, window: Int) {
        let interval = intervalNanoseconds
        // burst ≤ 10⁶ and interval ≤ 10¹² ns (0.001/s, the configuration's bounds): no overflow.
        let whole = (quota: burst, window: max(1, Int((Int64(burst) * interval + 999_999_999) / 1_000_000_000)))
        let perSecond = min(Int64(burst), 1_000_000_000 / interval)
        guard perSecond >= 1, Int(perSecond) * whole.window > whole.quota else { return whole }
        return (Int(perSecond), 1)
    }
}

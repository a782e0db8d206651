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

    /// The seconds the full burst takes to refill, at least one: the `w` of the `RateLimit-Policy`
    /// field.
    public var window: Int { max(1, Int((Double(burst) / rate).rounded(.up))) }

    /// The requests the `RateLimit-Policy` field promises per `window` (its `q`): the burst, or
    /// what the rate refills in the window when that is more. A burst smaller than one second of
    /// the rate (20/s, burst 5) or a window rounded up (3/s, burst 4: 2 s) would otherwise
    /// advertise less than the tenant gets (5 a second; 2 a second).
    public var quota: Int { max(burst, Int((rate * Double(window)).rounded(.down))) }
}

/// A tenant's allowance: `rate` requests per second on average, `burst` at once.
public struct TenantRateLimit: Sendable, Equatable {
    public var rate: Double
    public var burst: Int

    public init(rate: Double, burst: Int) {
        precondition(rate > 0 && burst >= 1, "a tenant rate limit needs a positive rate and a burst ≥ 1")
        self.rate = rate
        self.burst = burst
    }

    /// The seconds the full burst takes to refill: the `w` of the `RateLimit-Policy` field.
    public var window: Int { max(1, Int((Double(burst) / rate).rounded(.up))) }
}

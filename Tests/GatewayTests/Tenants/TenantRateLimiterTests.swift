@testable import Gateway
import HTTP
import Testing

@Suite("Tenant rate limiter")
struct TenantRateLimiterTests {
    @Test("the allowance refills at the tenant's rate")
    func refill() {
        let start = ContinuousClock.now
        let tenant = Tenant(id: "t", keyDigests: [], rateLimit: TenantRateLimit(rate: 10, burst: 2))
        let limiter = TenantRateLimiter(tenants: [tenant], now: start)
        #expect(limiter.check("t", now: start).allowed)
        #expect(limiter.check("t", now: start).allowed)
        let refused = limiter.check("t", now: start)
        #expect(!refused.allowed)
        #expect(refused.retryAfter == .milliseconds(100))
        #expect(limiter.check("t", now: start + .milliseconds(100)).allowed)
        #expect(!limiter.check("t", now: start + .milliseconds(100)).allowed)
    }

    @Test("given an allowance partly spent, when it is looked at later without spending, then it says what stands then, and spends nothing")
    func standing() throws {
        let start = ContinuousClock.now
        let tenant = Tenant(id: "t", keyDigests: [], rateLimit: TenantRateLimit(rate: 0.5, burst: 4))
        let limiter = TenantRateLimiter(tenants: [tenant], now: start)
        _ = limiter.check("t", now: start)
        let spent = limiter.check("t", now: start)
        #expect(spent.field == "\"tenant\";r=2;t=2")
        // 3 s on: one request back, the next in 1 s
        let later = try #require(limiter.standing(known: "t", now: start + .seconds(3)))
        #expect(later.field == "\"tenant\";r=3;t=1")
        #expect(limiter.standing(known: "t", now: start + .seconds(3))?.field == later.field, "looking spends nothing")
        #expect(limiter.standing(known: "t", now: start + .seconds(4))?.field == "\"tenant\";r=4;t=0")
        #expect(limiter.standing(known: "nobody") == nil)
    }

    @Test("given an allowance, when a refusal is asked for without spending, then there is none while a request would pass, and once spent it is the refusal check gives, spending nothing either way")
    func refusalWithoutSpending() throws {
        let start = ContinuousClock.now
        let tenant = Tenant(id: "t", keyDigests: [], rateLimit: TenantRateLimit(rate: 10, burst: 2))
        let limiter = TenantRateLimiter(tenants: [tenant], now: start)
        #expect(limiter.refusal(known: "t", now: start) == nil)
        #expect(limiter.refusal(known: "t", now: start) == nil, "asking spends nothing")
        #expect(limiter.check("t", now: start).allowed)
        #expect(limiter.refusal(known: "t", now: start) == nil)
        #expect(limiter.check("t", now: start).allowed, "the burst is whole after the asking")
        // when: spent
        let refusal = try #require(limiter.refusal(known: "t", now: start + .milliseconds(40)))
        // then
        #expect(refusal == limiter.check("t", now: start + .milliseconds(40)))
        #expect(!refusal.allowed)
        #expect(refusal.retryAfter == .milliseconds(60))
        #expect(limiter.refusal(known: "t", now: start + .milliseconds(100)) == nil)
        #expect(limiter.check("t", now: start + .milliseconds(100)).allowed)
        #expect(limiter.refusal(known: "nobody", now: start) == nil)
    }

    @Test("given any rate and burst, when the policy is written, then a client sending its whole quota at the start of every window has every request pass",
          arguments: [(5.0, 10, 10, 2), (50, 100, 100, 2), (10, 20, 20, 2), (20, 5, 5, 1), (3, 4, 3, 1), (0.5, 1, 1, 2), (2.5, 3, 2, 1),
                      (0.01, 3, 3, 300), (1.4, 21, 21, 15), (7, 14, 14, 2), (6, 12, 12, 2), (15, 30, 30, 2), (1_000_000, 1, 1, 1), (0.001, 1_000_000, 1_000_000, 1_000_000_000)])
    func policyQuota(rate: Double, burst: Int, quota: Int, window: Int) {
        let start = ContinuousClock.now
        let limit = TenantRateLimit(rate: rate, burst: burst)
        let limiter = TenantRateLimiter(tenants: [Tenant(id: "t", keyDigests: [], rateLimit: limit)], now: start)
        #expect(limiter.check("t", now: start).policy == "\"tenant\";q=\(quota);w=\(window)")
        // q at once, at the start of each of ten windows (the check above spent one of the first)
        guard quota <= 1_000 else { return }  // the last row: only its arithmetic
        var refused = 0
        for k in 0..<10 {
            let at = start + .seconds(window * k)
            for _ in 0..<(k == 0 ? quota - 1 : quota) where !limiter.check("t", now: at).allowed { refused += 1 }
        }
        #expect(refused == 0)
    }

    @Test("given a burst the rate refills in a whole number of seconds, then the policy covers the rate; otherwise not, and start-up warns",
          arguments: [(10.0, 20, true), (7, 14, true), (2.5, 5, true), (1_000_000, 1_000_000, true), (0.5, 1, true),
                      (3, 4, true), (10, 15, true), (20, 5, false), (2.5, 3, false), (2.5, 4, false)])
    func coversTheRate(rate: Double, burst: Int, covers: Bool) {
        #expect(TenantRateLimit(rate: rate, burst: burst).policyCoversTheRate == covers)
    }

    @Test("given a tenant spending its burst at once, then every RateLimit names when the next request is allowed, the 429's as its Retry-After does")
    func resetIsTheNextUnit() {
        // given: 3 at once, then one every 5 s
        let start = ContinuousClock.now
        let tenant = Tenant(id: "t", keyDigests: [], rateLimit: TenantRateLimit(rate: 0.2, burst: 3))
        let limiter = TenantRateLimiter(tenants: [tenant], now: start)
        // when
        let decisions = (0..<4).map { _ in limiter.check("t", now: start) }
        // then: not 5, 10, 15 (a full bucket) but 5 each time, as the refusal says
        #expect(decisions.map(\.field) == ["\"tenant\";r=2;t=5", "\"tenant\";r=1;t=5", "\"tenant\";r=0;t=5", "\"tenant\";r=0;t=5"])
        #expect(decisions.last?.retryAfter?.secondsToWait == 5)
        // and part way to the next unit, the seconds left to it, rounded up
        #expect(limiter.check("t", now: start + .milliseconds(2500)).field == "\"tenant\";r=0;t=3")
    }

    @Test("given a burst larger than the policy's quota (10/s with 15: q=10), then RateLimit never says more than the quota remains, though the burst passes")
    func remainingWithinTheQuota() {
        let start = ContinuousClock.now
        let tenant = Tenant(id: "t", keyDigests: [], rateLimit: TenantRateLimit(rate: 10, burst: 15))
        let limiter = TenantRateLimiter(tenants: [tenant], now: start)
        let decisions = (0..<15).map { _ in limiter.check("t", now: start) }
        #expect(decisions.first?.policy == "\"tenant\";q=10;w=1")
        #expect(decisions.allSatisfy { $0.allowed })
        #expect(decisions.map(\.remaining) == [10, 10, 10, 10, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0])
        // and while the whole quota remains, no more is due back: t=0, as of a full bucket
        #expect(decisions.map(\.resetSeconds) == [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])
    }

    @Test("given a tenant with a burst of 12345, when it spends from its allowance, then the fields carry every digit")
    func fieldDigits() {
        let start = ContinuousClock.now
        let tenant = Tenant(id: "t", keyDigests: [], rateLimit: TenantRateLimit(rate: 1, burst: 12345))
        let limiter = TenantRateLimiter(tenants: [tenant], now: start)
        let first = limiter.check("t", now: start)
        #expect(first.policy == "\"tenant\";q=12345;w=12345")
        #expect(first.field == "\"tenant\";r=12344;t=1")
        for _ in 0..<9 { _ = limiter.check("t", now: start) }
        // t names when the next unit comes back (1 s at 1/s), not when all 11 spent are back
        #expect(limiter.check("t", now: start).field == "\"tenant\";r=12334;t=1")
        #expect(limiter.check(known: "nobody", now: start) == nil)
        #expect(TenantRateLimiter.Decision(allowed: false, remaining: 0, resetSeconds: 0, retryAfter: nil).field == "\"tenant\";r=0;t=0")
    }
}

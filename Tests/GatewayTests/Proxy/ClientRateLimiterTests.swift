@testable import Gateway
import Testing

@Suite("Rate limit per client address for routes without an API key")
struct ClientRateLimiterTests {
    let start = ContinuousClock.now

    @Test("a client gets its burst, then waits one interval per request")
    func burstThenRefusal() {
        // given 2 requests/s with a burst of 3
        let limiter = ClientRateLimiter(limit: TenantRateLimit(rate: 2, burst: 3))
        let client = IPAddress("203.0.113.9")!
        for _ in 0..<3 { #expect(limiter.check(client, now: start) == nil) }
        // then the fourth at once is refused, for about half a second
        let wait = limiter.check(client, now: start)
        #expect(wait != nil && wait! > .milliseconds(400) && wait! <= .milliseconds(500))
        // and half a second later one more passes
        #expect(limiter.check(client, now: start + .milliseconds(500)) == nil)
        #expect(limiter.check(client, now: start + .milliseconds(500)) != nil)
    }

    @Test("clients do not share an allowance, but one IPv6 /64 does")
    func keys() {
        let limiter = ClientRateLimiter(limit: TenantRateLimit(rate: 1, burst: 1))
        #expect(limiter.check(IPAddress("203.0.113.9")!, now: start) == nil)
        #expect(limiter.check(IPAddress("203.0.113.10")!, now: start) == nil)
        #expect(limiter.check(IPAddress("203.0.113.9")!, now: start) != nil)
        #expect(limiter.check(IPAddress("2001:db8:1:2::1")!, now: start) == nil)
        #expect(limiter.check(IPAddress("2001:db8:1:2:ffff::9")!, now: start) != nil)
        #expect(limiter.check(IPAddress("2001:db8:1:3::1")!, now: start) == nil)
    }

    @Test("the table stays bounded: idle clients are forgotten, and past the bound new ones pass untracked")
    func bounded() {
        let limiter = ClientRateLimiter(limit: TenantRateLimit(rate: 1, burst: 1), capacity: 2)
        #expect(limiter.check(IPAddress("10.0.0.1")!, now: start) == nil)
        #expect(limiter.check(IPAddress("10.0.0.2")!, now: start) == nil)
        // the table is full of active clients: a third passes without being tracked
        #expect(limiter.check(IPAddress("10.0.0.3")!, now: start) == nil)
        #expect(limiter.check(IPAddress("10.0.0.3")!, now: start) == nil)
        #expect(limiter.trackedCount == 2)
        // two seconds on, the first two are whole again and make room
        #expect(limiter.check(IPAddress("10.0.0.3")!, now: start + .seconds(2)) == nil)
        #expect(limiter.check(IPAddress("10.0.0.3")!, now: start + .seconds(2)) != nil)
        #expect(limiter.trackedCount == 1)
    }

    @Test("given a table full of active clients, when new addresses keep coming, then the table is not walked for each of them")
    func sprayAgainstAFullTable() {
        // given: one request per 1,000 s, 1,000 addresses tracked
        let limiter = ClientRateLimiter(limit: TenantRateLimit(rate: 0.001, burst: 1), capacity: 1_000)
        for index in 0..<1_000 { _ = limiter.check(IPAddress("10.0.\(index / 256).\(index % 256)")!, now: start) }
        // when: 10,000 new addresses, one a millisecond
        for index in 0..<10_000 {
            let address = IPAddress("172.16.\(index / 256).\(index % 256)")!
            #expect(limiter.check(address, now: start + .milliseconds(index)) == nil)
        }
        // then: they passed untracked, after one walk of the table, not 10,000
        #expect(limiter.sweepCount == 1)
        #expect(limiter.trackedCount == 1_000)
        // and once an eighth of the table has expired, new clients are tracked again
        #expect(limiter.check(IPAddress("192.168.0.1")!, now: start + .seconds(1_001)) == nil)
        #expect(limiter.check(IPAddress("192.168.0.1")!, now: start + .seconds(1_001)) != nil)
    }
}

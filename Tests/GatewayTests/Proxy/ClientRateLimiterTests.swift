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

    @Test("given one client past its allowance, then wait names its wait alone: not another client's, and not once the wait is over")
    func waitWithoutSpending() {
        let limiter = ClientRateLimiter(limit: TenantRateLimit(rate: 1, burst: 2))
        let (blocked, other) = (IPAddress("203.0.113.9")!, IPAddress("203.0.113.10")!)
        // given: nobody has spent anything
        #expect(limiter.wait(for: blocked, now: start) == nil)
        // when: one client spends its burst
        #expect(limiter.check(blocked, now: start) == nil)
        #expect(limiter.wait(for: blocked, now: start) == nil)
        #expect(limiter.check(blocked, now: start) == nil)
        // then
        #expect(limiter.wait(for: blocked, now: start) == .seconds(1))
        #expect(limiter.wait(for: blocked, now: start + .milliseconds(400)) == .milliseconds(600))
        #expect(limiter.wait(for: other, now: start) == nil)
        #expect(limiter.wait(for: blocked, now: start + .seconds(1)) == nil)
        #expect(limiter.check(blocked, now: start + .seconds(1)) == nil)
        #expect(limiter.wait(for: blocked, now: start + .seconds(1)) == .seconds(1))
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
        // two seconds on, the first is whole again and makes room: the third is tracked
        #expect(limiter.check(IPAddress("10.0.0.3")!, now: start + .seconds(2)) == nil)
        #expect(limiter.check(IPAddress("10.0.0.3")!, now: start + .seconds(2)) != nil)
        #expect(limiter.trackedCount == 2)
        #expect(limiter.queuedCount == 2)
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
        // then: they passed untracked, each after a look at no more than 8 of the 1,000 tracked
        #expect(limiter.examinedCount <= 8 * 10_000)
        #expect(limiter.trackedCount == 1_000)
        let examined = limiter.examinedCount
        // and once the tracked clients are whole again, a new client takes one's place,
        // looking at one record, not the table
        #expect(limiter.check(IPAddress("192.168.0.1")!, now: start + .seconds(1_001)) == nil)
        #expect(limiter.check(IPAddress("192.168.0.1")!, now: start + .seconds(1_001)) != nil)
        #expect(limiter.examinedCount == examined + 1)
        #expect(limiter.trackedCount == 1_000)
        #expect(limiter.queuedCount == 1_000)
    }

    @Test("given a full table, when making room, then a client that has spent since it was first tracked keeps its place")
    func activeClientKeptWhenMakingRoom() {
        // given: one client tracked in a table of one, two requests a second, spending again before its first is whole
        let limiter = ClientRateLimiter(limit: TenantRateLimit(rate: 1, burst: 2), capacity: 1)
        let client = IPAddress("10.0.0.1")!
        #expect(limiter.check(client, now: start) == nil)
        #expect(limiter.check(client, now: start + .milliseconds(900)) == nil)
        // when: a new address comes after the first request is whole, while the second is not
        #expect(limiter.check(IPAddress("10.0.0.2")!, now: start + .milliseconds(1_500)) == nil)
        // then: the new one passed untracked, and the first client still has only one request left
        #expect(limiter.trackedCount == 1)
        #expect(limiter.check(client, now: start + .milliseconds(1_500)) == nil)
        #expect(limiter.check(client, now: start + .milliseconds(1_500)) != nil)
        // and once the first client is whole, the new one is tracked in its place
        #expect(limiter.check(IPAddress("10.0.0.2")!, now: start + .seconds(10)) == nil)
        #expect(limiter.check(IPAddress("10.0.0.2")!, now: start + .seconds(10)) == nil)
        #expect(limiter.check(IPAddress("10.0.0.2")!, now: start + .seconds(10)) != nil)
        #expect(limiter.queuedCount == 1)
    }

    @Test("given a full table whose active client's record has gone around once, when a new address comes after the entry behind it expired, then it is tracked in that one's place")
    func expiredFoundBehindActive() {
        // given: ten a second, a burst of 5, a table of 2; A spends its burst at 0 (active until 0.5 s), B comes at 0.01 s
        let limiter = ClientRateLimiter(limit: TenantRateLimit(rate: 10, burst: 5), capacity: 2)
        let a = IPAddress("10.0.0.1")!, b = IPAddress("10.0.0.2")!, c = IPAddress("10.0.0.3")!, d = IPAddress("10.0.0.4")!
        for _ in 0..<5 { #expect(limiter.check(a, now: start) == nil) }
        #expect(limiter.check(b, now: start + .milliseconds(10)) == nil)
        // and C takes B's place at 0.2 s (whole again at 0.3 s), A's record going around
        #expect(limiter.check(c, now: start + .milliseconds(200)) == nil)
        // when: D comes at 0.35 s, with A still active and C whole again
        let at = start + .milliseconds(350)
        // then: D takes C's place and is held to its burst
        for _ in 0..<5 { #expect(limiter.check(d, now: at) == nil) }
        #expect(limiter.check(d, now: at) != nil)
        #expect(limiter.trackedCount == 2)
    }
}

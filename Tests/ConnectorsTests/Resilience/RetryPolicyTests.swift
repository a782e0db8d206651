@testable import Connectors
import Testing

@Suite("Retry backoff")
struct RetryPolicyTests {
    func policy(random: Double, base: Duration = .milliseconds(100), cap: Duration = .seconds(1)) -> RetryPolicy {
        RetryPolicy(maxAttempts: 5, baseDelay: base, maxDelay: cap, random: { random })
    }

    @Test("full jitter: a random draw of 0 retries at once, 0.999 waits just under the ceiling")
    func jitterBounds() {
        #expect(policy(random: 0).delay(afterAttempt: 1, retryAfter: nil) == .zero)
        #expect(policy(random: 0).delay(afterAttempt: 4, retryAfter: nil) == .zero)
        let high = policy(random: 0.999).delay(afterAttempt: 3, retryAfter: nil)
        #expect(high == .milliseconds(400) * 0.999)
        #expect(high < .milliseconds(400))
    }

    @Test("the ceiling doubles with every attempt", arguments: [(1, 100), (2, 200), (3, 400), (4, 800)])
    func exponentialGrowth(attempt: Int, ceilingMilliseconds: Int) {
        let policy = policy(random: 0.5)
        #expect(policy.ceiling(afterAttempt: attempt) == .milliseconds(ceilingMilliseconds))
        #expect(policy.delay(afterAttempt: attempt, retryAfter: nil) == .milliseconds(ceilingMilliseconds) / 2)
    }

    @Test("the ceiling stops growing at maxDelay")
    func cap() {
        let policy = policy(random: 0.5, cap: .milliseconds(500))
        #expect(policy.ceiling(afterAttempt: 3) == .milliseconds(400))
        #expect(policy.ceiling(afterAttempt: 4) == .milliseconds(500))
        #expect(policy.ceiling(afterAttempt: 60) == .milliseconds(500))
        #expect(policy.delay(afterAttempt: 60, retryAfter: nil) == .milliseconds(250))
    }

    @Test("a random source out of range cannot push a wait past the ceiling", arguments: [1.0, 7.5, -2.0, Double.nan, Double.infinity])
    func sloppyRandom(value: Double) {
        let delay = policy(random: value).delay(afterAttempt: 2, retryAfter: nil)
        #expect(delay >= .zero)
        #expect(delay < .milliseconds(200))
    }

    @Test("the upstream's Retry-After is waited past the backoff's cap; a shorter one (0, or less) does not remove the backoff")
    func retryAfterIsTheLeastWait() {
        let policy = policy(random: 0.999, cap: .seconds(1))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(7)) == .seconds(7))
        #expect(policy.delay(afterAttempt: 3, retryAfter: .zero) == .milliseconds(400) * 0.999)
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(-3)) == .milliseconds(100) * 0.999)
        #expect(policy.delay(afterAttempt: 1, retryAfter: .milliseconds(150)) == .milliseconds(150))
    }

    @Test("a policy always makes at least one attempt")
    func atLeastOneAttempt() {
        #expect(RetryPolicy(maxAttempts: 0).maxAttempts == 1)
        #expect(RetryPolicy.none.maxAttempts == 1)
    }
}

@testable import Connectors
import Testing

@Suite("Circuit breaker per upstream host")
struct CircuitBreakerTests {
    let clock = ManualClock()

    func breaker(threshold: Int = 3, coolDown: Duration = .seconds(30)) -> CircuitBreaker {
        CircuitBreaker(host: "feedbacks-api.wildberries.ru", failureThreshold: threshold, coolDown: coolDown, clock: clock)
    }

    func fail(_ breaker: CircuitBreaker, times: Int) throws {
        for _ in 0..<times {
            breaker.record(.failure, for: try breaker.admit(marketplace: .wildberries))
        }
    }

    enum Answer: Equatable {
        case admitted
        case refused(retryAfter: Duration?)
    }

    /// What `admit` answers now (an admitted call is left without an outcome).
    func answer(_ breaker: CircuitBreaker) -> Answer {
        do {
            _ = try breaker.admit(marketplace: .wildberries)
            return .admitted
        } catch {
            guard case .upstreamUnavailable(let retryAfter, let failure) = error else {
                Issue.record("unexpected refusal \(error)")
                return .refused(retryAfter: nil)
            }
            #expect(failure?.marketplace == .wildberries)
            #expect(failure?.message.contains("feedbacks-api.wildberries.ru") == true)
            return .refused(retryAfter: retryAfter)
        }
    }

    @Test("opens after N consecutive failures; a success in between starts the count again")
    func opensOnConsecutiveFailures() throws {
        let breaker = breaker(threshold: 3)
        try fail(breaker, times: 2)
        breaker.record(.success, for: try breaker.admit(marketplace: .wildberries))
        try fail(breaker, times: 2)
        #expect(breaker.state == .closed, "2 + 2 failures with a success between are not 3 in a row")
        #expect(breaker.consecutiveFailures == 2)

        try fail(breaker, times: 1)
        #expect(breaker.state == .open)
    }

    @Test("calls that tell nothing about the host do not count as failures")
    func neutralDoesNotCount() throws {
        let breaker = breaker(threshold: 2)
        try fail(breaker, times: 1)
        for _ in 0..<5 { breaker.record(.neutral, for: try breaker.admit(marketplace: .wildberries)) }
        #expect(breaker.state == .closed)
        #expect(breaker.consecutiveFailures == 1)
    }

    @Test("while open, calls are refused with the remaining cool-down as retryAfter")
    func openRefusesWithRemainingCoolDown() throws {
        let breaker = breaker(threshold: 1, coolDown: .seconds(30))
        try fail(breaker, times: 1)
        #expect(answer(breaker) == .refused(retryAfter: .seconds(30)))
        clock.advance(by: .seconds(12))
        #expect(answer(breaker) == .refused(retryAfter: .seconds(18)))
        clock.advance(by: .milliseconds(17_999))
        #expect(answer(breaker) == .refused(retryAfter: .milliseconds(1)))
    }

    @Test("after the cool-down exactly one probe is let through")
    func singleProbe() throws {
        let breaker = breaker(threshold: 1, coolDown: .seconds(30))
        try fail(breaker, times: 1)
        clock.advance(by: .seconds(30))
        #expect(breaker.state == .halfOpen)

        let probe = try breaker.admit(marketplace: .wildberries)
        #expect(probe.isProbe)
        for _ in 0..<3 {
            #expect(answer(breaker) == .refused(retryAfter: CircuitBreaker.probeWait),
                    "others are refused while the probe is out, and told to come back soon")
        }
    }

    @Test("the probe's success closes the circuit")
    func probeSuccessCloses() throws {
        let breaker = breaker(threshold: 1)
        try fail(breaker, times: 1)
        clock.advance(by: .seconds(30))
        breaker.record(.success, for: try breaker.admit(marketplace: .wildberries))
        #expect(breaker.state == .closed)
        for _ in 0..<5 {
            #expect(try !breaker.admit(marketplace: .wildberries).isProbe)
        }
    }

    @Test("the probe's failure reopens the circuit for another full cool-down")
    func probeFailureReopens() throws {
        let breaker = breaker(threshold: 3, coolDown: .seconds(30))
        try fail(breaker, times: 3)
        clock.advance(by: .seconds(30))
        let probe = try breaker.admit(marketplace: .wildberries)
        clock.advance(by: .seconds(2))
        breaker.record(.failure, for: probe)

        #expect(breaker.state == .open)
        #expect(answer(breaker) == .refused(retryAfter: .seconds(30)), "one failed probe is enough; no new count of 3")
        clock.advance(by: .seconds(30))
        #expect(try breaker.admit(marketplace: .wildberries).isProbe, "after the new cool-down, a new probe")
    }

    @Test("a cancelled probe lets the next call probe instead")
    func neutralProbeFreesTheSlot() throws {
        let breaker = breaker(threshold: 1)
        try fail(breaker, times: 1)
        clock.advance(by: .seconds(30))
        breaker.record(.neutral, for: try breaker.admit(marketplace: .wildberries))
        #expect(breaker.state == .halfOpen)
        #expect(try breaker.admit(marketplace: .wildberries).isProbe)
    }

    @Test("calls admitted before the circuit opened cannot free the probe's slot")
    func staleOutcomesDoNotDisturbTheProbe() throws {
        let breaker = breaker(threshold: 1)
        // Given: a slow call let through while the circuit was still closed.
        let early = try breaker.admit(marketplace: .wildberries)
        try fail(breaker, times: 1)
        clock.advance(by: .seconds(30))
        let probe = try breaker.admit(marketplace: .wildberries)
        #expect(probe.isProbe)

        // When: the early call ends now without news, or with a failure.
        breaker.record(.neutral, for: early)
        breaker.record(.failure, for: early)

        // Then: the probe is still the only call out, and still decides.
        #expect(answer(breaker) != .admitted)
        breaker.record(.success, for: probe)
        #expect(breaker.state == .closed)
    }

    @Test("a probe that never reports is given up after one cool-down")
    func lostProbe() throws {
        let breaker = breaker(threshold: 1, coolDown: .seconds(30))
        try fail(breaker, times: 1)
        clock.advance(by: .seconds(30))
        _ = try breaker.admit(marketplace: .wildberries)
        clock.advance(by: .seconds(10))
        #expect(answer(breaker) == .refused(retryAfter: CircuitBreaker.probeWait))
        clock.advance(by: .milliseconds(19_999))
        #expect(answer(breaker) == .refused(retryAfter: .milliseconds(1)))
        clock.advance(by: .milliseconds(1))
        #expect(try breaker.admit(marketplace: .wildberries).isProbe)
    }

    @Test("given a probe whose call may last past the cool-down, when the cool-down has passed, then no second probe goes out until its deadline")
    func slowProbeHoldsUntilItsDeadline() throws {
        // given: a probe admitted for a call with two minutes to run
        let breaker = breaker(threshold: 1, coolDown: .seconds(30))
        try fail(breaker, times: 1)
        clock.advance(by: .seconds(30))
        let probe = try breaker.admit(marketplace: .wildberries, deadline: clock.now + .seconds(120))
        // when: a cool-down later it is still out
        clock.advance(by: .seconds(60))
        // then: others are refused until its deadline, and its answer still decides
        #expect(answer(breaker) == .refused(retryAfter: CircuitBreaker.probeWait))
        clock.advance(by: .seconds(59))
        #expect(answer(breaker) == .refused(retryAfter: .seconds(1)))
        breaker.record(.success, for: probe)
        #expect(breaker.state == .closed)
    }

    @Test("callers that keep no admission still drive the circuit")
    func admissionFreeRecording() throws {
        let breaker = breaker(threshold: 2)
        breaker.recordFailure()
        breaker.recordFailure()
        #expect(breaker.state == .open)
        clock.advance(by: .seconds(30))
        try breaker.admit(marketplace: .wildberries)
        breaker.recordFailure()
        #expect(breaker.state == .open)
        clock.advance(by: .seconds(30))
        try breaker.admit(marketplace: .wildberries)
        breaker.recordNeutral()
        try breaker.admit(marketplace: .wildberries)
        breaker.recordSuccess()
        #expect(breaker.state == .closed)
    }
}

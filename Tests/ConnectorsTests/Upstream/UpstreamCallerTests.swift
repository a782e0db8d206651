@testable import Connectors
import Testing

@Suite("Upstream calls: deadline, circuit, budget, cancellation", .timeLimit(.minutes(1)))
struct UpstreamCallerTests {
    @Test("an open circuit answers upstreamUnavailable without calling the upstream")
    func openCircuitShortCircuits() async throws {
        let harness = CallerHarness([], failureThreshold: 1, coolDown: .seconds(30))
        harness.breaker.recordFailure()
        let error = await #expect(throws: ConnectorError.self) { try await harness.call(.read) }
        guard case .upstreamUnavailable(let retryAfter, _)? = error else {
            Issue.record("expected upstreamUnavailable, got \(String(describing: error))")
            return
        }
        #expect(retryAfter == .seconds(30))
        #expect(harness.client.callCount == 0)
    }

    @Test("given failures that open the circuit during the retries, then the retries stop and the caller gets the circuit's 503 with its cool-down, carrying the marketplace's failure")
    func circuitOpensDuringRetries() async throws {
        let harness = CallerHarness([.status(500), .status(500)],
                                    retry: RetryPolicy(maxAttempts: 5, random: { 0 }), failureThreshold: 2,
                                    coolDown: .seconds(30))
        let error = await #expect(throws: ConnectorError.self) { try await harness.call(.read) }
        guard case .upstreamUnavailable(let retryAfter, let failure?)? = error else {
            Issue.record("expected the circuit's upstreamUnavailable, got \(String(describing: error))")
            return
        }
        #expect(retryAfter == .seconds(30), "a retry sooner than the cool-down is refused again")
        #expect(failure.status == 500)
        #expect(harness.client.callCount == 2)
        #expect(harness.breaker.state == .open)
    }

    @Test("given a 500 whose retry the rate budget cannot fit before the deadline, then the caller gets the 500's failure, not a 429 of ours")
    func budgetRefusingARetryKeepsTheCause() async throws {
        // given: a budget of one call every 100 s, and a deadline in 60 s
        let harness = CallerHarness([.status(500), .status(200)], retry: RetryPolicy(maxAttempts: 3, random: { 0 }),
                                    limit: RateLimit(burst: 1, interval: .seconds(100)))
        // when
        let error = await #expect(throws: ConnectorError.self) { try await harness.call(.read, within: .seconds(60)) }
        // then
        guard case .upstreamError(let failure)? = error else {
            Issue.record("expected the 500's upstreamError, got \(String(describing: error))")
            return
        }
        #expect(failure.status == 500)
        #expect(harness.client.callCount == 1)
    }

    @Test("given a 429 whose retry the rate budget cannot fit before the deadline, then the caller gets the 429 with the budget's longer wait")
    func budgetRefusingARetryAfterA429KeepsTheLongerWait() async throws {
        // given: a budget of one call every 100 s, and a deadline in 60 s
        let harness = CallerHarness([.status(429, headers: ["Retry-After": "1"]), .status(200)],
                                    retry: RetryPolicy(maxAttempts: 3, random: { 0 }),
                                    limit: RateLimit(burst: 1, interval: .seconds(100)))
        // when: the call waits out the 429's second, and then asks the budget for a slot
        let call = harness.start(.read, within: .seconds(60))
        await harness.clock.waitForSleepers(1)
        harness.clock.advance(by: .seconds(1))
        let result = await call.result
        // then
        let error = #expect(throws: ConnectorError.self) { try result.get() }
        guard case .upstreamRateLimited(let retryAfter?, let failure?)? = error else {
            Issue.record("expected the 429's upstreamRateLimited, got \(String(describing: error))")
            return
        }
        #expect(failure.status == 429)
        #expect(retryAfter > .seconds(60), "the marketplace's 1 s would send the client into the same refusal")
        #expect(harness.client.callCount == 1)
    }

    @Test("after the cool-down one call probes the host and its success closes the circuit")
    func probeThroughCaller() async throws {
        let harness = CallerHarness([.status(200)], failureThreshold: 1, coolDown: .seconds(30))
        harness.breaker.recordFailure()
        harness.clock.advance(by: .seconds(30))
        #expect(try await harness.call(.read).status == 200)
        #expect(harness.breaker.state == .closed)
    }

    @Test("a 429 pauses the credential's budget, so the next caller is held back here")
    func rateLimitPausesBudget() async throws {
        let harness = CallerHarness([.status(429, headers: ["X-Ratelimit-Retry": "3"])], retry: .none)
        let error = await #expect(throws: ConnectorError.self) { try await harness.call(.read) }
        guard case .upstreamRateLimited(let retryAfter, _)? = error else {
            Issue.record("expected upstreamRateLimited, got \(String(describing: error))")
            return
        }
        #expect(retryAfter == .seconds(3))
        #expect(harness.budget.waitTime() == .seconds(3))

        // When: another caller with only one second to spare arrives.
        let next = await #expect(throws: ConnectorError.self) { try await harness.call(.read, within: .seconds(1)) }
        // Then: refused here at once, without a request upstream.
        #expect(next == .upstreamRateLimited(retryAfter: .seconds(3), nil))
        #expect(harness.client.callCount == 1)
        #expect(harness.breaker.state == .closed, "a 429 says nothing bad about the host")
    }

    @Test("a call that takes only a slot at hand makes one attempt, waits for nothing, and leaves a slot for calls that wait")
    func budgetAtHand() async throws {
        // Given: a budget of three calls, one more a minute later, and an upstream that first says 429.
        let harness = CallerHarness([.status(429, headers: ["X-Ratelimit-Retry": "1"]), .status(200), .status(200)],
                                    limit: RateLimit(burst: 3, interval: .seconds(60)))
        // When: a call that may only use what is at hand meets the 429.
        let refused = await #expect(throws: ConnectorError.self) { try await harness.call(budget: .atHand) }
        // Then: it fails with it at once, unretried.
        guard case .upstreamRateLimited(.seconds(1), let failure?)? = refused else {
            Issue.record("expected upstreamRateLimited after 1 s, got \(String(describing: refused))")
            return
        }
        #expect(failure.status == 429)
        #expect(harness.client.callCount == 1)
        // And: once the budget has refilled past the pause, it takes a slot, and then, with one
        // left, is refused unsent.
        harness.clock.advance(by: .seconds(61))
        #expect(try await harness.call(budget: .atHand).status == 200)
        let spare = await #expect(throws: ConnectorError.self) { try await harness.call(budget: .atHand) }
        guard case .upstreamRateLimited(_, nil)? = spare else {
            Issue.record("expected an unsent upstreamRateLimited, got \(String(describing: spare))")
            return
        }
        #expect(harness.client.callCount == 2)
        // While a call that may wait gets the slot kept for it.
        #expect(try await harness.call().status == 200)
        #expect(harness.client.callCount == 3)
    }

    @Test("a call that takes only a slot at hand is not retried after a failure another call would retry")
    func budgetAtHandNoRetry() async throws {
        let harness = CallerHarness([.status(500), .status(200)])
        let error = await #expect(throws: ConnectorError.self) { try await harness.call(budget: .atHand) }
        guard case .upstreamError? = error else {
            Issue.record("expected upstreamError, got \(String(describing: error))")
            return
        }
        #expect(harness.client.callCount == 1)
    }

    @Test("a request that cannot be put on the wire fails at once, unretried, not retryable, and leaves the host's circuit closed")
    func unsendable() async throws {
        let harness = CallerHarness([.fail(.unsendable("header field Authorization has a line break")), .status(200)],
                                    failureThreshold: 1)
        let error = await #expect(throws: ConnectorError.self) { try await harness.call(.read) }
        guard case .upstreamError(let failure)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(failure.message.contains("line break"))
        #expect(error?.isRetryable == false)
        #expect(harness.client.callCount == 1)
        #expect(harness.breaker.state == .closed)
    }

    @Test("given the gateway out of descriptors or ports when it connects, then the host's circuit stays closed, and a read and a write each go again, as nothing was sent")
    func localFailure() async throws {
        let read = CallerHarness([.fail(.localFailure("socket: Too many open files")), .status(200)], failureThreshold: 1)
        #expect(try await read.call(.read).status == 200)
        #expect(read.client.callCount == 2)
        #expect(read.breaker.state == .closed)
        let write = CallerHarness([.fail(.localFailure("connect: Cannot assign requested address")), .status(204)], failureThreshold: 1)
        #expect(try await write.call(.write).status == 204)
        #expect(write.client.callCount == 2)
        let failing = CallerHarness([.fail(.localFailure("socket: Too many open files"))], retry: .none, failureThreshold: 1)
        let error = await #expect(throws: ConnectorError.self) { try await failing.call(.read) }
        guard case .upstreamError(let failure)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(failure.message.contains("the gateway could not open a connection"))
        #expect(failure.message.contains("Too many open files"))
        #expect(error?.isRetryable == true)
        #expect(failing.breaker.state == .closed)
    }

    @Test("an answer too large to take in fails at once, unretried, not retryable, and leaves the host's circuit closed")
    func responseTooLarge() async throws {
        let harness = CallerHarness([.fail(.responseTooLarge(limit: 64 << 20)), .status(200)], failureThreshold: 1)
        let error = await #expect(throws: ConnectorError.self) { try await harness.call(.read) }
        guard case .upstreamError(let failure)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(failure.message.contains("more than 67108864 bytes"))
        #expect(error?.isRetryable == false)
        #expect(harness.client.callCount == 1)
        #expect(harness.breaker.state == .closed)
    }

    @Test("given the gateway's ceiling on answers held at once passed, then a read goes again and gets its answer, a write fails without going again (it may have been applied), and the host's circuit stays closed")
    func overBudget() async throws {
        let read = CallerHarness([.fail(.overBudget(limit: 256 << 20)), .status(200)], failureThreshold: 1)
        let response = try await read.call(.read)
        #expect(response.status == 200)
        #expect(read.client.callCount == 2)
        #expect(read.breaker.state == .closed)
        let write = CallerHarness([.fail(.overBudget(limit: 256 << 20)), .status(200)], failureThreshold: 1)
        let error = await #expect(throws: ConnectorError.self) { try await write.call(.write) }
        guard case .upstreamError(let failure)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(failure.message.contains("268435456 bytes of answers"))
        #expect(write.client.callCount == 1, "not sent again by the gateway")
        #expect(write.breaker.state == .closed)
    }

    @Test("given a host that takes no connection within an attempt's time, then it is a timeout, and a write goes again, as nothing was sent")
    func connectTimedOut() async throws {
        let harness = CallerHarness([.fail(.connectTimedOut), .fail(.connectTimedOut), .fail(.connectTimedOut)])
        let error = await #expect(throws: ConnectorError.self) { try await harness.call(.write) }
        guard case .upstreamTimeout(let failure)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(failure?.message.contains("took no connection") == true)
        #expect(harness.client.callCount == 3, "a write that was never sent goes again")
    }

    @Test("an answer in a form the client cannot read (a coding not asked for; a head HTTP/1.1 does not allow) fails at once with its status if any, unretried, not retryable, and leaves the circuit closed",
          arguments: [(200, "Content-Encoding gzip, which was not asked for"), (nil, "a response head HTTP/1.1 does not allow: a malformed Content-Length, or several that differ")] as [(Int?, String)])
    func unreadableResponse(status: Int?, reason: String) async throws {
        let harness = CallerHarness([.fail(.unreadableResponse(status: status, reason)), .status(200)], failureThreshold: 1)
        let error = await #expect(throws: ConnectorError.self) { try await harness.call(.read) }
        guard case .upstreamError(let failure)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(failure.status == status)
        #expect(failure.message.contains("cannot read: " + reason))
        #expect(error?.isRetryable == false)
        #expect(harness.client.callCount == 1)
        #expect(harness.breaker.state == .closed)
    }

    @Test("a 429 without an announced wait still pauses the budget for a second")
    func rateLimitWithoutWait() async throws {
        let harness = CallerHarness([.status(429)], retry: .none)
        await #expect(throws: ConnectorError.self) { try await harness.call(.read) }
        #expect(harness.budget.waitTime() == .seconds(1))
    }

    @Test("the upstream's remaining count re-syncs the budget, in either header spelling",
          arguments: ["X-Ratelimit-Remaining", "ratelimit-remaining"])
    func remainingHeadersSync(header: String) async throws {
        let harness = CallerHarness([.status(200, headers: [header: "1"]), .status(200, headers: [header: " 0 "])],
                                    limit: RateLimit(burst: 5, interval: .milliseconds(100)))
        _ = try await harness.call(.read)
        #expect(harness.budget.available == 1)
        _ = try await harness.call(.read)
        #expect(harness.budget.available == 0)
        #expect(harness.budget.waitTime() == .milliseconds(100))
    }

    @Test("given the remaining count repeated on the way (joined: 3, 1), then the budget syncs to the smallest; an unreadable one leaves it alone")
    func repeatedRemaining() async throws {
        func answer(_ values: String...) -> ScriptedUpstreamClient.Step {
            .respond(UpstreamResponse(status: 200, fields: values.map { ("X-Ratelimit-Remaining", $0) }, body: []))
        }
        let repeated = CallerHarness([answer("3", "1")], limit: RateLimit(burst: 5, interval: .milliseconds(100)))
        _ = try await repeated.call(.read)
        #expect(repeated.budget.available == 1)
        let unreadable = CallerHarness([answer("0", "many")], limit: RateLimit(burst: 5, interval: .milliseconds(100)))
        _ = try await unreadable.call(.read)
        #expect(unreadable.budget.available == 4, "the call took its slot, and nothing else")
    }

    @Test("each attempt of a read may take the attempt timeout or what is left of the deadline, whichever is less; a write, all that is left")
    func attemptTimeouts() async throws {
        let harness = CallerHarness([.status(200), .status(200), .status(200)], attemptTimeout: .seconds(10))
        _ = try await harness.call(.read, within: .seconds(3))
        _ = try await harness.call(.read, within: .seconds(60))
        // a write is not tried again after a timeout: cut at 10 s, an answer on its way would be "may have applied"
        _ = try await harness.call(.write, within: .seconds(30))
        #expect(harness.client.sent.map(\.timeout) == [.seconds(3), .seconds(10), .seconds(30)])
    }

    @Test("a call whose deadline has passed is not sent")
    func expiredDeadline() async throws {
        let harness = CallerHarness([])
        let error = await #expect(throws: ConnectorError.self) { try await harness.call(.read, within: .zero) }
        guard case .upstreamTimeout? = error else {
            Issue.record("expected upstreamTimeout, got \(String(describing: error))")
            return
        }
        #expect(harness.client.callCount == 0)
    }

    @Test("cancelling the caller while it waits to retry ends the call at once")
    func cancelDuringRetryWait() async throws {
        let harness = CallerHarness([.status(503, headers: ["Retry-After": "5"])])
        let call = harness.start(.read)
        await harness.clock.waitForSleepers(1)
        call.cancel()
        let result = await call.result
        let error = #expect(throws: ConnectorError.self) { try result.get() }
        guard case .upstreamTimeout(let failure)? = error else {
            Issue.record("expected upstreamTimeout, got \(String(describing: error))")
            return
        }
        #expect(failure?.message.contains("cancelled") == true)
        // ended without the clock moving: the retry's sleep is gone, not left to run out
        #expect(harness.clock.pendingWakeUps.isEmpty)
        #expect(harness.client.callCount == 1)
    }

    @Test("cancelling the caller while it waits for the rate budget ends the call unsent")
    func cancelDuringBudgetWait() async throws {
        let harness = CallerHarness([], limit: RateLimit(burst: 1, interval: .seconds(10)))
        try await harness.budget.acquire(deadline: harness.clock.now + .seconds(1), marketplace: .wildberries)
        let call = harness.start(.read)
        await harness.clock.waitForSleepers(1)
        call.cancel()
        let result = await call.result
        #expect(throws: ConnectorError.self) { try result.get() }
        #expect(harness.client.callCount == 0)
    }

    @Test("given a call waiting for the rate budget when another call's failure opens the host's circuit, then it is not sent when its slot comes, but refused as the circuit's")
    func circuitOpenedDuringBudgetWait() async throws {
        // given: the budget spent, a call waiting for the next slot
        let harness = CallerHarness([], limit: RateLimit(burst: 1, interval: .seconds(10)), failureThreshold: 1, coolDown: .seconds(60))
        try await harness.budget.acquire(deadline: harness.clock.now + .seconds(1), marketplace: .wildberries)
        let call = harness.start(.read)
        await harness.clock.waitForSleepers(1)
        // when: the circuit opens meanwhile, then the slot comes
        harness.breaker.recordFailure()
        harness.clock.advance(by: .seconds(10))
        let result = await call.result
        // then
        let error = #expect(throws: ConnectorError.self) { try result.get() }
        guard case .upstreamUnavailable(let retryAfter, _)? = error else {
            Issue.record("expected upstreamUnavailable, got \(String(describing: error))")
            return
        }
        #expect(retryAfter == .seconds(50))
        #expect(harness.client.callCount == 0)
        // and: the slot it was not sent in is free for the next call
        #expect(harness.budget.available == 1)
    }

    /// A circuit whose cool-down (30 s) is over, a budget of one call in 10 s just spent, and a
    /// read waiting for the next slot; the upstream answers 200 once.
    private static func halfOpenWithACallWaiting() async throws -> (CallerHarness, Task<UpstreamResponse, any Error>) {
        let harness = CallerHarness([.status(200)], limit: RateLimit(burst: 1, interval: .seconds(10)),
                                    failureThreshold: 1, coolDown: .seconds(30))
        harness.breaker.recordFailure()
        harness.clock.advance(by: .seconds(30))
        try await harness.budget.acquire(deadline: harness.clock.now + .seconds(1), marketplace: .wildberries)
        let waiting = harness.start(.read)
        await harness.clock.waitForSleepers(1)
        return (harness, waiting)
    }

    @Test("given a half-open circuit and a call waiting for the rate budget, then that call does not hold the probe: another call with a slot probes, and its success lets the waiting call through")
    func probeNotHeldThroughBudgetWait() async throws {
        // given: the cool-down over, the budget spent, one call waiting for a slot
        let (harness, waiting) = try await Self.halfOpenWithACallWaiting()
        // when: the circuit is asked for a probe meanwhile
        let probe = try harness.breaker.admit(marketplace: .wildberries)
        // then: it was free to give
        #expect(probe.isProbe)
        harness.breaker.record(.success, for: probe)
        harness.clock.advance(by: .seconds(10))
        #expect(try await waiting.value.status == 200)
        #expect(harness.breaker.state == .closed)
    }

    @Test("given a half-open circuit and a call waiting for the rate budget, when another call takes the probe before the slot comes, then the waiting call is refused as the circuit's and gives its slot back")
    func slotGivenBackWhenTheProbeIsOut() async throws {
        // given: the cool-down over, the budget spent, one call waiting for a slot
        let (harness, waiting) = try await Self.halfOpenWithACallWaiting()
        // when: another call takes the probe and is still out when the slot comes
        let probe = try harness.breaker.admit(marketplace: .wildberries)
        harness.clock.advance(by: .seconds(10))
        let result = await waiting.result
        // then: refused unsent, and the slot is there for the next call (the probe's success needs one)
        let error = #expect(throws: ConnectorError.self) { try result.get() }
        guard case .upstreamUnavailable? = error else {
            Issue.record("expected upstreamUnavailable, got \(String(describing: error))")
            return
        }
        #expect(harness.client.callCount == 0)
        try #require(harness.budget.available == 1)
        harness.breaker.record(.success, for: probe)
        #expect(try await harness.call(.read).status == 200)
    }

    @Test("given a half-open circuit and slots at hand, when calls come together, then one probes and the circuit refuses the others before they spend a slot")
    func refusedByTheCircuitSpendsNoSlot() async throws {
        // given: the cool-down over, three slots free
        let harness = CallerHarness([.hang], limit: RateLimit(burst: 3, interval: .seconds(10)), failureThreshold: 1, coolDown: .seconds(30))
        harness.breaker.recordFailure()
        harness.clock.advance(by: .seconds(30))
        // when: the probe is out, another call comes
        let probe = harness.start(.read)
        await harness.client.waitForCalls(1)
        let error = await #expect(throws: ConnectorError.self) { try await harness.call(.read) }
        // then: refused for the probe, and only the probe's slot is gone
        guard case .upstreamUnavailable? = error else {
            Issue.record("expected upstreamUnavailable, got \(String(describing: error))")
            return
        }
        #expect(harness.budget.available == 2)
        probe.cancel()
        _ = await probe.result
    }

    @Test("cancelling the caller while the upstream request is out abandons it")
    func cancelDuringSend() async throws {
        let harness = CallerHarness([.hang], failureThreshold: 1)
        let call = harness.start(.read)
        await harness.client.waitForCalls(1)
        call.cancel()
        let result = await call.result
        #expect(throws: ConnectorError.self) { try result.get() }
        #expect(harness.client.callCount == 1, "an abandoned call is not retried")
        #expect(harness.breaker.state == .closed, "the caller leaving says nothing about the host")
    }
}

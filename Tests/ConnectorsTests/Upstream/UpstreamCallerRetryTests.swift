@testable import Connectors
import Testing

@Suite("Upstream calls: what is retried, and how patiently", .timeLimit(.minutes(1)))
struct UpstreamCallerRetryTests {
    typealias Step = ScriptedUpstreamClient.Step

    @Test("reads are retried on 5xx answers until they succeed", arguments: [500, 502, 503, 504])
    func readsRetriedOn5xx(status: Int) async throws {
        let harness = CallerHarness([.status(status), .status(status), .status(200, body: #"{"data":[]}"#)])
        let response = try await harness.call(.read)
        #expect(response.status == 200)
        #expect(harness.client.callCount == 3)
    }

    @Test("reads are retried after timeouts, lost and refused connections")
    func readsRetriedOnTransportFailures() async throws {
        let harness = CallerHarness(
            [.fail(.timedOut), .fail(.connectionLost("reset")), .fail(.connectionRefused("refused")), .status(200)],
            retry: RetryPolicy(maxAttempts: 4, random: { 0 }))
        #expect(try await harness.call(.read).status == 200)
        #expect(harness.client.callCount == 4)
    }

    @Test("after maxAttempts the last attempt's error is reported")
    func lastErrorAfterMaxAttempts() async throws {
        let harness = CallerHarness([.status(500), .status(502), .status(504)])
        let error = await #expect(throws: ConnectorError.self) { try await harness.call(.read) }
        guard case .upstreamError(let failure)? = error else {
            Issue.record("expected upstreamError, got \(String(describing: error))")
            return
        }
        #expect(failure.status == 504)
        #expect(harness.client.callCount == 3)
    }

    @Test("writes are retried when the upstream cannot have applied them",
          arguments: [Step.fail(.connectionRefused("refused")), .fail(.notSent("every connection busy")), .status(429, headers: ["Retry-After": "0"]),
                      .status(408), .status(425)])
    func writesRetriedWhenNotApplied(first: Step) async throws {
        let harness = CallerHarness([first, .status(204)])
        #expect(try await harness.call(.write).status == 204)
        #expect(harness.client.callCount == 2)
    }

    @Test("given writes and reads, when they end, then only writes the marketplace may have applied are reported as such",
          arguments: [
              (UpstreamRequest.write, [Step.status(204)], true), (.write, [.fail(.timedOut)], true), (.write, [.fail(.connectionLost("reset"))], true),
              (.write, [.status(500)], true), (.write, [.status(503)], true), (.write, [.status(400)], false), (.write, [.status(408)], false), (.write, [.fail(.connectionRefused("refused"))], false), (.write, [.fail(.notSent("every connection busy"))], false),
              (.write, [.fail(.cancelledUnsent)], false), (.write, [.fail(.cancelled)], true),
              (.read, [.fail(.timedOut)], false), (.read, [.status(200)], false),
          ])
    func reportsPossibleChanges(request: UpstreamRequest, steps: [Step], changed: Bool) async throws {
        let harness = CallerHarness(steps, retry: RetryPolicy(maxAttempts: 1))
        let counter = UpstreamCallCounter()
        _ = try? await UpstreamCallCounter.$current.withValue(counter) { try await harness.call(request) }
        #expect(counter.count == 1)
        #expect(counter.mayHaveChangedUpstream == changed)
    }

    @Test("given a 429 whose Retry-After leaves under a second of the deadline, when it is a write, then it is not sent again")
    func noRetryWithoutTimeForTheAttempt() async throws {
        // given
        let harness = CallerHarness([.status(429, headers: ["Retry-After": "19"]), .status(204)],
                                    retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(100), maxDelay: .seconds(30), random: { 0 }))
        let counter = UpstreamCallCounter()
        // when
        let error = await #expect(throws: ConnectorError.self) {
            try await UpstreamCallCounter.$current.withValue(counter) { try await harness.call(.write, within: .milliseconds(19_500)) }
        }
        // then: the clean "not done, try later", not a write sent with half a second left
        guard case .upstreamRateLimited? = error else { Issue.record("expected upstreamRateLimited, got \(String(describing: error))"); return }
        #expect(harness.client.callCount == 1)
        #expect(!counter.mayHaveChangedUpstream)
    }

    @Test("given a rate budget whose next slot leaves under a second of the deadline, then the write is not sent")
    func noBudgetWaitWithoutTimeForTheAttempt() async throws {
        // given: one call per 19.5 s, the slot of now taken
        let harness = CallerHarness([.status(204), .status(204)], limit: RateLimit(burst: 1, interval: .milliseconds(19_500)))
        #expect(try await harness.call(.write).status == 204)
        // when
        let error = await #expect(throws: ConnectorError.self) { try await harness.call(.write, within: .seconds(20)) }
        // then
        guard case .upstreamRateLimited? = error else { Issue.record("expected upstreamRateLimited, got \(String(describing: error))"); return }
        #expect(harness.client.callCount == 1)
        // and a slot free now is still taken with little time left
        harness.clock.advance(by: .seconds(20))
        #expect(try await harness.call(.write, within: .milliseconds(300)).status == 204)
    }

    @Test("given a budget of one call an hour, when a call's request never reached the marketplace, then its slot is given back and the next call goes out at once; one that reached it keeps its slot spent",
          arguments: [(Step.fail(.connectionRefused("refused")), true), (.fail(.localFailure("no descriptor")), true), (.fail(.connectTimedOut), true),
                      (.fail(.notSent("every connection busy")), true), (.fail(.timedOut), false), (.status(500), false)])
    func slotGivenBackWhenNothingWasSent(first: Step, givenBack: Bool) async throws {
        // given
        let harness = CallerHarness([first, .status(200)], retry: RetryPolicy(maxAttempts: 1),
                                    limit: RateLimit(burst: 1, interval: .seconds(3600)))
        // when
        _ = try? await harness.call(.read)
        // then
        if givenBack {
            #expect(try await harness.call(.read, within: .seconds(5)).status == 200)
            #expect(harness.client.callCount == 2)
        } else {
            await #expect(throws: ConnectorError.self) { try await harness.call(.read, within: .seconds(5)) }
            #expect(harness.client.callCount == 1)
        }
    }

    @Test("given a 429 announcing a wait of days, when an hour has passed, then the credential's calls go out again")
    func pauseAtMostAnHour() async throws {
        let harness = CallerHarness([.status(429, headers: ["Retry-After": "99999999"]), .status(200)], retry: RetryPolicy(maxAttempts: 1))
        // given
        let error = await #expect(throws: ConnectorError.self) { try await harness.call(.read) }
        // the wait reported is the pause held, not the days announced
        guard case .upstreamRateLimited(let wait, _)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(wait == .seconds(3600))
        // when
        harness.clock.advance(by: .seconds(3600))
        // then
        #expect(try await harness.call(.read, within: .seconds(5)).status == 200)
        #expect(harness.client.callCount == 2)
    }

    @Test("a write answered by a maintenance 503 is retried too")
    func writeRetriedOnMaintenance() async throws {
        let harness = CallerHarness([.status(503, body: "Технический перерыв"), .status(204)],
                                    classifier: StatusClassifier(unavailableOn503: true))
        #expect(try await harness.call(.write).status == 204)
        #expect(harness.client.callCount == 2)
    }

    @Test("writes are not retried after a 5xx other than a maintenance 503, a timeout or a lost connection",
          arguments: [Step.status(500), .status(502), .status(503), .status(504), .fail(.timedOut), .fail(.connectionLost("reset"))])
    func writesNotRetriedWhenMaybeApplied(first: Step) async throws {
        let harness = CallerHarness([first])
        let error = await #expect(throws: ConnectorError.self) { try await harness.call(.write) }
        #expect(error?.isRetryable == true, "the caller may still decide to try again later")
        #expect(harness.client.callCount == 1)
    }

    @Test("answers that reject the request itself are never retried",
          arguments: [400, 401, 403, 404, 422], [UpstreamRequest.read, .write])
    func rejectionsNeverRetried(status: Int, request: UpstreamRequest) async throws {
        let harness = CallerHarness([.status(status, body: #"{"errorText":"no"}"#)])
        let error = await #expect(throws: ConnectorError.self) { try await harness.call(request) }
        #expect(error == StatusClassifier().classify(UpstreamResponse(status: status, body: .init(#"{"errorText":"no"}"#.utf8)),
                                                     for: request))
        #expect(harness.client.callCount == 1)
        #expect(harness.breaker.state == .closed)
    }

    @Test("Retry-After is waited out exactly before the next attempt")
    func retryAfterHonoured() async throws {
        let harness = CallerHarness([.status(503, headers: ["Retry-After": "2"]), .status(200)],
                                    retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(100), random: { 0.999 }))
        let call = harness.start(.read)
        await harness.clock.waitForSleepers(1)
        #expect(harness.clock.pendingWakeUps == [harness.clock.start + .seconds(2)])
        #expect(harness.client.callCount == 1)
        harness.clock.advance(by: .seconds(2))
        #expect(try await call.value.status == 200)
        #expect(harness.client.callCount == 2)
    }

    @Test("a write refused with 429 waits X-Ratelimit-Retry, then goes through")
    func rateLimitedWriteWaitsAnnouncedTime() async throws {
        let harness = CallerHarness([.status(429, headers: ["X-Ratelimit-Retry": "3", "Retry-After": "60"]), .status(204)])
        let call = harness.start(.write)
        await harness.clock.waitForSleepers(1)
        #expect(harness.clock.pendingWakeUps == [harness.clock.start + .seconds(3)])
        harness.clock.advance(by: .seconds(3))
        #expect(try await call.value.status == 204)
        #expect(harness.clock.requestedSleeps == [.seconds(3)], "the budget's pause ended with the retry wait")
    }

    @Test("waits between attempts grow exponentially")
    func exponentialBackoff() async throws {
        let harness = CallerHarness([.status(500), .status(500), .status(500), .status(200)],
                                    retry: RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(100), maxDelay: .seconds(5),
                                                       random: { 0.5 }))
        let call = harness.start(.read)
        for _ in 0..<3 {
            await harness.clock.waitForSleepers(1)
            harness.clock.advance(to: harness.clock.pendingWakeUps[0])
        }
        #expect(try await call.value.status == 200)
        #expect(harness.clock.requestedSleeps == [.milliseconds(50), .milliseconds(100), .milliseconds(200)])
    }

    @Test("when the next wait would pass the deadline the call gives up at once, without sleeping")
    func givesUpBeforeDeadline() async throws {
        let harness = CallerHarness([.status(503, headers: ["Retry-After": "30"])])
        let error = await #expect(throws: ConnectorError.self) { try await harness.call(.read, within: .seconds(10)) }
        guard case .upstreamError(let failure)? = error else {
            Issue.record("expected the 503 itself, got \(String(describing: error))")
            return
        }
        #expect(failure.status == 503)
        #expect(harness.clock.requestedSleeps.isEmpty)
        #expect(harness.clock.elapsed == .zero)
        #expect(harness.client.callCount == 1)
    }

    @Test("a 429 whose wait passes the deadline comes back as upstreamRateLimited with that wait")
    func rateLimitedPastDeadline() async throws {
        let harness = CallerHarness([.status(429, headers: ["Retry-After": "30"])])
        let error = await #expect(throws: ConnectorError.self) { try await harness.call(.read, within: .seconds(10)) }
        guard case .upstreamRateLimited(let retryAfter, let failure)? = error else {
            Issue.record("expected upstreamRateLimited, got \(String(describing: error))")
            return
        }
        #expect(retryAfter == .seconds(30))
        #expect(failure?.status == 429)
        #expect(harness.clock.requestedSleeps.isEmpty)
    }

    @Test("backoff that would outlast the deadline is not begun either")
    func backoffPastDeadline() async throws {
        let harness = CallerHarness([.status(502)],
                                    retry: RetryPolicy(maxAttempts: 3, baseDelay: .seconds(5), random: { 0.999 }))
        await #expect(throws: ConnectorError.self) { try await harness.call(.read, within: .seconds(3)) }
        #expect(harness.clock.requestedSleeps.isEmpty)
        #expect(harness.client.callCount == 1)
    }
}

extension UpstreamRequest: CustomTestStringConvertible {
    public var testDescription: String { "\(method) \(path)" }
}

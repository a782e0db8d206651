@testable import Connectors
import Testing

/// How the calls of one gateway request share its deadline: a write after earlier calls, and a
/// timeout of an attempt those calls left short.
@Suite("Upstream calls sharing a request's deadline", .timeLimit(.minutes(1)))
struct UpstreamCallerDeadlineShareTests {
    @Test("given a read that used most of the request's time, when the write would go with under a second left, then it is not sent and nothing may have changed")
    func writeNotSentWithTooLittleTime() async throws {
        // given: a request whose first call, a read, answers after 19.5 of its 20 s
        let harness = CallerHarness([.status(200), .status(200)])
        let counter = UpstreamCallCounter()
        let deadline = harness.clock.now + .seconds(20)
        let caller = harness.caller
        _ = try await UpstreamCallCounter.$current.withValue(counter) { try await caller.call(.read, deadline: deadline) }
        harness.clock.advance(by: .milliseconds(19_500))
        let slotsBefore = harness.budget.available
        // when: the write comes
        let error = await #expect(throws: ConnectorError.self) {
            try await UpstreamCallCounter.$current.withValue(counter) { try await caller.call(.write, deadline: deadline) }
        }
        // then: it fails as a timeout without reaching the upstream, and the request's record says
        // nothing was written, so its Idempotency-Key is freed for a retry
        guard case .upstreamTimeout(let failure)? = error else {
            Issue.record("expected upstreamTimeout, got \(String(describing: error))")
            return
        }
        #expect(failure?.message.contains("was not sent") == true)
        #expect(harness.client.callCount == 1)
        #expect(!counter.mayHaveChangedUpstream)
        #expect(harness.breaker.state == .closed)
        #expect(harness.budget.available == slotsBefore, "a write not sent spends no slot of the budget")
    }

    @Test("given a short upstream deadline, when a write is the request's first call, then it goes with what there is")
    func writeGoesUnderAShortDeadline() async throws {
        let harness = CallerHarness([.status(200)])
        let caller = harness.caller
        let deadline = harness.clock.now + .milliseconds(500)
        let response = try await UpstreamCallCounter.$current.withValue(UpstreamCallCounter()) {
            try await caller.call(.write, deadline: deadline)
        }
        #expect(response.status == 200)
        #expect(harness.client.sent.map(\.timeout) == [.milliseconds(500)])
    }

    @Test("given earlier calls that used most of the request's time, when an attempt left short times out, then the host's circuit does not count it; a full-length one it does")
    func cutShortTimeoutIsNeutral() async throws {
        // given: a breaker that opens on one failure, and a request whose first call answered after 19 of its 20 s
        let harness = CallerHarness([.status(200), .fail(.timedOut), .fail(.timedOut)], retry: .none, failureThreshold: 1)
        let caller = harness.caller
        let counter = UpstreamCallCounter()
        let deadline = harness.clock.now + .seconds(20)
        _ = try await UpstreamCallCounter.$current.withValue(counter) { try await caller.call(.read, deadline: deadline) }
        harness.clock.advance(by: .seconds(19))
        // when: the next read, with 1 s of the attempt's 10, times out
        await #expect(throws: ConnectorError.self) {
            try await UpstreamCallCounter.$current.withValue(counter) { try await caller.call(.read, deadline: deadline) }
        }
        // then: the circuit stays closed
        #expect(harness.breaker.state == .closed)
        // and a fresh request's read that times out after its full 10 s opens it
        let fresh = harness.clock.now + .seconds(20)
        await #expect(throws: ConnectorError.self) {
            try await UpstreamCallCounter.$current.withValue(UpstreamCallCounter()) { try await caller.call(.read, deadline: fresh) }
        }
        #expect(harness.breaker.state == .open)
        #expect(harness.client.sent.map(\.timeout) == [.seconds(10), .seconds(1), .seconds(10)])
    }
}

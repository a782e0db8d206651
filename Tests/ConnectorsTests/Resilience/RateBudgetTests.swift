@testable import Connectors
import Testing

@Suite("Upstream rate budget", .timeLimit(.minutes(1)))
struct RateBudgetTests {
    let clock = ManualClock()

    func budget(burst: Int, interval: Duration) -> RateBudget {
        RateBudget(limit: RateLimit(burst: burst, interval: interval), clock: clock)
    }

    var farDeadline: ContinuousClock.Instant { clock.now + .seconds(3600) }

    @Test("a full burst passes without waiting and the next call waits exactly one interval")
    func burstThenOneInterval() async throws {
        let budget = budget(burst: 3, interval: .milliseconds(100))
        for _ in 0..<3 {
            try await budget.acquire(deadline: farDeadline, marketplace: .wildberries)
        }
        #expect(clock.requestedSleeps.isEmpty)
        #expect(budget.available == 0)
        #expect(budget.waitTime() == .milliseconds(100))

        let fourth = Task { [farDeadline] in try await budget.acquire(deadline: farDeadline, marketplace: .wildberries) }
        await clock.waitForSleepers(1)
        #expect(clock.pendingWakeUps == [clock.start + .milliseconds(100)])
        clock.advance(by: .milliseconds(99))
        #expect(clock.pendingWakeUps.count == 1, "one millisecond early, the fourth call still waits")
        clock.advance(by: .milliseconds(1))
        _ = try await fourth.value
        #expect(clock.pendingWakeUps.isEmpty)
    }

    @Test("a spare slot is taken only while another stays free beside it, never inside a 429's pause, and without waiting")
    func takeSpareLeavesOne() async throws {
        let budget = budget(burst: 3, interval: .milliseconds(100))
        #expect(budget.takeSpare(leaving: 1))
        #expect(budget.takeSpare(leaving: 1))
        #expect(!budget.takeSpare(leaving: 1), "the last slot is left for other calls")
        #expect(budget.available == 1)
        try await budget.acquire(deadline: farDeadline, marketplace: .wildberries)
        #expect(clock.requestedSleeps.isEmpty)
        clock.advance(by: .milliseconds(300))
        budget.pause(for: .milliseconds(50))
        #expect(!budget.takeSpare(leaving: 1))
        clock.advance(by: .milliseconds(500))
        #expect(budget.takeSpare(leaving: 1))
    }

    @Test("calls queue up one interval apart once the burst is spent")
    func queueSpacing() async throws {
        let budget = budget(burst: 1, interval: .milliseconds(50))
        try await budget.acquire(deadline: farDeadline, marketplace: .ozon)
        let second = Task { [farDeadline] in try await budget.acquire(deadline: farDeadline, marketplace: .ozon) }
        let third = Task { [farDeadline] in try await budget.acquire(deadline: farDeadline, marketplace: .ozon) }
        await clock.waitForSleepers(2)
        #expect(clock.pendingWakeUps == [clock.start + .milliseconds(50), clock.start + .milliseconds(100)])
        clock.advance(by: .milliseconds(100))
        _ = try await second.value
        _ = try await third.value
    }

    @Test("a call whose slot lies past its deadline is refused at once and reserves nothing")
    func refusedPastDeadline() async throws {
        let budget = budget(burst: 1, interval: .seconds(1))
        try await budget.acquire(deadline: farDeadline, marketplace: .wildberries)

        // When: the next slot is 1 s away but the caller has only 500 ms.
        let error = await #expect(throws: ConnectorError.self) {
            try await budget.acquire(deadline: clock.now + .milliseconds(500), marketplace: .wildberries)
        }
        // Then: refused without waiting, told when to come back.
        #expect(error == .upstreamRateLimited(retryAfter: .seconds(1), nil))
        #expect(clock.requestedSleeps.isEmpty)

        // And: the refused call took no slot: the next one still waits 1 s, not 2 s.
        let next = Task { [farDeadline] in try await budget.acquire(deadline: farDeadline, marketplace: .wildberries) }
        await clock.waitForSleepers(1)
        #expect(clock.pendingWakeUps == [clock.start + .seconds(1)])
        clock.advance(by: .seconds(1))
        _ = try await next.value
    }

    @Test("given the system clock and a deadline read a moment ago, when a slot is free, then it is taken, not refused")
    func freeSlotAgainstADeadlineOfNow() async throws {
        let budget = RateBudget(limit: RateLimit(burst: 1, interval: .seconds(60)), clock: SystemResilienceClock())
        // the caller's "now", a little before the budget reads its own
        let deadline = ContinuousClock.now
        try await budget.acquire(deadline: deadline, marketplace: .ozon)
        // and the next slot, a minute away, is refused against the same deadline
        await #expect(throws: ConnectorError.self) { try await budget.acquire(deadline: ContinuousClock.now, marketplace: .ozon) }
    }

    @Test("the upstream's remaining count only ever makes the budget stricter")
    func syncOnlyTightens() async throws {
        let budget = budget(burst: 5, interval: .milliseconds(100))
        budget.sync(remaining: 50)
        #expect(budget.available == 5, "a looser upstream view is ignored")
        budget.sync(remaining: 2)
        #expect(budget.available == 2)
        budget.sync(remaining: 4)
        #expect(budget.available == 2, "a later looser view does not undo a stricter one")
        budget.sync(remaining: 0)
        #expect(budget.available == 0)
        #expect(budget.waitTime() == .milliseconds(100), "with nothing left, the next call waits one refill")
        budget.sync(remaining: -3)
        #expect(budget.waitTime() == .milliseconds(100), "nonsense counts are read as zero, not as debt")
    }

    @Test("after a sync the budget hands out exactly what the upstream said was left")
    func syncedBudgetIsHonoured() async throws {
        let budget = budget(burst: 5, interval: .milliseconds(100))
        budget.sync(remaining: 2)
        try await budget.acquire(deadline: farDeadline, marketplace: .wildberries)
        try await budget.acquire(deadline: farDeadline, marketplace: .wildberries)
        #expect(clock.requestedSleeps.isEmpty)
        let third = Task { [farDeadline] in try await budget.acquire(deadline: farDeadline, marketplace: .wildberries) }
        await clock.waitForSleepers(1)
        #expect(clock.pendingWakeUps == [clock.start + .milliseconds(100)])
        clock.advance(by: .milliseconds(100))
        _ = try await third.value
    }

    @Test("pause(for:) holds every call until the delay has passed")
    func pauseBlocks() async throws {
        let budget = budget(burst: 6, interval: .milliseconds(100))
        budget.pause(for: .seconds(2))
        #expect(budget.available == 0)
        #expect(budget.waitTime() == .seconds(2))

        let error = await #expect(throws: ConnectorError.self) {
            try await budget.acquire(deadline: clock.now + .seconds(1), marketplace: .wildberries)
        }
        #expect(error == .upstreamRateLimited(retryAfter: .seconds(2), nil))

        let waiting = Task { [farDeadline] in try await budget.acquire(deadline: farDeadline, marketplace: .wildberries) }
        await clock.waitForSleepers(1)
        clock.advance(by: .milliseconds(1999))
        #expect(clock.pendingWakeUps == [clock.start + .seconds(2)])
        clock.advance(by: .milliseconds(1))
        _ = try await waiting.value

        budget.pause(for: .seconds(5))
        budget.pause(for: .milliseconds(500))
        #expect(budget.waitTime() == .seconds(5), "a shorter pause never shortens a wait already owed")
    }

    @Test("a caller cancelled while waiting stops at once and gives its slot back")
    func cancelledWaitReturnsSlot() async throws {
        let budget = budget(burst: 1, interval: .seconds(1))
        try await budget.acquire(deadline: farDeadline, marketplace: .ozon)
        let waiting = Task { [farDeadline] in try await budget.acquire(deadline: farDeadline, marketplace: .ozon) }
        await clock.waitForSleepers(1)
        waiting.cancel()
        let result = await waiting.result
        #expect(throws: ConnectorError.upstreamTimeout(nil)) { try result.get() }
        // ended without the clock moving: its sleep is gone, not left to run out
        #expect(clock.pendingWakeUps.isEmpty)

        let next = Task { [farDeadline] in try await budget.acquire(deadline: farDeadline, marketplace: .ozon) }
        await clock.waitForSleepers(1)
        #expect(clock.pendingWakeUps == [clock.start + .seconds(1)], "the cancelled call's slot went to the next caller")
        clock.advance(by: .seconds(1))
        _ = try await next.value
    }

    @Test("a slot taken and given back unused (its call was not sent) is the next caller's at once; the schedule runs on from there")
    func unusedSlotGivenBack() async throws {
        let budget = budget(burst: 1, interval: .seconds(1))
        let slot = try await budget.acquire(deadline: farDeadline, marketplace: .ozon)
        #expect(budget.available == 0)
        budget.giveBack(slot)
        #expect(budget.available == 1)
        try await budget.acquire(deadline: farDeadline, marketplace: .ozon)
        #expect(clock.requestedSleeps.isEmpty)
        #expect(budget.waitTime() == .seconds(1))
    }

    @Test("given a budget of ten, three spent and never paused, when one more slot is taken and given back, then seven are free again, not one")
    func slotGivenBackWithoutAPauseRestoresTheBudget() async throws {
        // given: Wildberries chat's limit, three calls sent at once, no 429 so far
        let budget = budget(burst: 10, interval: .seconds(1))
        for _ in 0..<3 { try await budget.acquire(deadline: farDeadline, marketplace: .wildberries) }
        #expect(budget.available == 7)
        // when: a fourth slot is taken and its call is not sent
        let slot = try await budget.acquire(deadline: farDeadline, marketplace: .wildberries)
        budget.giveBack(slot)
        // then: the budget is as it was before it
        #expect(budget.available == 7)
        #expect(budget.waitTime() == .zero)
    }

    @Test("given a slot taken before a 429, when it is given back after the pause was set, then the schedule stays behind the pause")
    func slotGivenBackAfterAPauseKeepsThePause() async throws {
        let budget = budget(burst: 3, interval: .seconds(1))
        let slot = try await budget.acquire(deadline: farDeadline, marketplace: .wildberries)
        budget.pause(for: .seconds(5))
        budget.giveBack(slot)
        #expect(budget.waitTime() == .seconds(5))
    }

    @Test("given callers waiting in line, when the first of them gives up, then the next new caller takes its slot, not one at the end")
    func vacatedSlotTakenByNextCaller() async throws {
        // given: a spent budget of one a second, and waiters for the slots at 1 s and 2 s
        let budget = budget(burst: 1, interval: .seconds(1))
        try await budget.acquire(deadline: farDeadline, marketplace: .ozon)
        let first = Task { [farDeadline] in try await budget.acquire(deadline: farDeadline, marketplace: .ozon) }
        await clock.waitForSleepers(1)
        let second = Task { [farDeadline] in try await budget.acquire(deadline: farDeadline, marketplace: .ozon) }
        await clock.waitForSleepers(2)
        // when: the one waiting for 1 s gives up
        first.cancel()
        let cancelled = await first.result
        #expect(throws: ConnectorError.upstreamTimeout(nil)) { try cancelled.get() }
        // then: a new caller waits for 1 s, not 3 s
        let third = Task { [farDeadline] in try await budget.acquire(deadline: farDeadline, marketplace: .ozon) }
        await clock.waitForSleepers(2)
        #expect(clock.pendingWakeUps.sorted() == [clock.start + .seconds(1), clock.start + .seconds(2)])
        clock.advance(by: .seconds(2))
        _ = try await third.value
        _ = try await second.value
        // and the schedule's end is where it was: the next caller waits for 3 s
        let fourth = Task { [farDeadline] in try await budget.acquire(deadline: farDeadline, marketplace: .ozon) }
        await clock.waitForSleepers(1)
        #expect(clock.pendingWakeUps == [clock.start + .seconds(3)])
        clock.advance(by: .seconds(1))
        _ = try await fourth.value
    }

    @Test("given a caller waiting for its slot, when a 429 pauses the budget past that slot, then it waits out the pause before it goes")
    func waiterHonoursLaterPause() async throws {
        // given: a spent budget of one a second and a caller waiting for the slot at 1 s
        let budget = budget(burst: 1, interval: .seconds(1))
        try await budget.acquire(deadline: farDeadline, marketplace: .wildberries)
        let waiting = Task { [farDeadline] in try await budget.acquire(deadline: farDeadline, marketplace: .wildberries) }
        await clock.waitForSleepers(1)
        // when: at 0.5 s the upstream answers 429 with a retry time of 2 s
        clock.advance(by: .milliseconds(500))
        budget.pause(for: .seconds(2))
        // then: waking at 1 s, it does not go, but waits until the pause is over
        clock.advance(by: .milliseconds(500))
        await clock.waitForSleepers(1)
        #expect(clock.pendingWakeUps == [clock.start + .milliseconds(2_500)])
        clock.advance(by: .milliseconds(1_500))
        _ = try await waiting.value
    }

    @Test("given a caller waiting for its slot, when a 429 pauses the budget past its deadline, then it is refused when it wakes")
    func waiterRefusedWhenPauseOutlastsDeadline() async throws {
        let budget = budget(burst: 1, interval: .seconds(1))
        try await budget.acquire(deadline: farDeadline, marketplace: .wildberries)
        let deadline = clock.now + .seconds(5)
        let waiting = Task { try await budget.acquire(deadline: deadline, marketplace: .wildberries) }
        await clock.waitForSleepers(1)
        budget.pause(for: .seconds(60))
        clock.advance(by: .seconds(1))
        let result = await waiting.result
        #expect(throws: ConnectorError.upstreamRateLimited(retryAfter: .seconds(59), nil)) { try result.get() }
    }

    @Test("given a 429's pause while the last waiter holds its slot, when that waiter gives up, then the slot it hands back is not inside the pause")
    func refundNeverInsidePause() async throws {
        // given: one a second; A went at 0, B waits for 1 s
        let budget = budget(burst: 1, interval: .seconds(1))
        try await budget.acquire(deadline: farDeadline, marketplace: .ozon)
        let waiting = Task { [farDeadline] in try await budget.acquire(deadline: farDeadline, marketplace: .ozon) }
        await clock.waitForSleepers(1)
        // and at 0.1 s a 429 pauses the credential for 1.5 s (until 1.6 s)
        clock.advance(by: .milliseconds(100))
        budget.pause(for: .milliseconds(1_500))
        // when: B gives up
        waiting.cancel()
        let cancelled = await waiting.result
        #expect(throws: ConnectorError.upstreamTimeout(nil)) { try cancelled.get() }
        // then: a caller at 1.2 s waits until the pause is over, not going at once
        clock.advance(by: .milliseconds(1_100))
        let next = Task { [farDeadline] in try await budget.acquire(deadline: farDeadline, marketplace: .ozon) }
        await clock.waitForSleepers(1)
        #expect(clock.pendingWakeUps == [clock.start + .milliseconds(1_600)])
        clock.advance(by: .milliseconds(400))
        _ = try await next.value
    }
}

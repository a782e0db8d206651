@testable import Connectors
import Testing

@Suite("Connection permits")
struct ConnectionPermitsTests {
    @Test("given both permits taken, when three wait and the first is cancelled, then the released permits go to the other two in order, and none is left over")
    func cancelledWaiterLeavesTheLine() async {
        // given
        let clock = ManualClock()
        let permits = ConnectionPermits(limit: 2, clock: clock)
        #expect(permits.tryAcquire() && permits.tryAcquire())
        #expect(!permits.tryAcquire())
        let deadline = clock.now + .seconds(60)
        let order = GrantOrder()
        // when: three waiters, each after the one before is in line (its deadline's timer asleep)
        var waiters: [Task<Bool, Never>] = []
        for index in 0..<3 {
            waiters.append(Task {
                let granted = await permits.acquire(until: deadline)
                if granted { await order.note(index) }
                return granted
            })
            await clock.waitForSleepers(index + 1)
        }
        waiters[0].cancel()
        #expect(await waiters[0].value == false)
        permits.release()
        permits.release()
        // then
        let second = await waiters[1].value, third = await waiters[2].value
        #expect(second && third)
        #expect(await order.indices == [1, 2])
        #expect(permits.inUse == 2)
        permits.release()
        permits.release()
        #expect(permits.inUse == 0 && permits.hasRoom)
    }

    @Test("given no permit free until a waiter's deadline, then it gets none and holds none; a later release is kept for the next caller")
    func deadlinePasses() async {
        let clock = ManualClock()
        let permits = ConnectionPermits(limit: 1, clock: clock)
        #expect(permits.tryAcquire())
        let waiter = Task { await permits.acquire(until: clock.now + .seconds(2)) }
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(2))
        #expect(await waiter.value == false)
        permits.release()
        #expect(permits.inUse == 0)
        #expect(permits.tryAcquire())
    }
}

private actor GrantOrder {
    var indices: [Int] = []
    func note(_ index: Int) { indices.append(index) }
}

@testable import Connectors
import Synchronization
import Testing

@Suite("Item write locks: one write at a time per item", .timeLimit(.minutes(1)))
struct ItemWriteLocksTests {
    /// Records the order in which bodies ran, and lets a test hold a body until it says so.
    private final class Trace: Sendable {
        private let events = Mutex<[String]>([])
        var all: [String] { events.withLock { $0 } }
        func add(_ event: String) { events.withLock { $0.append(event) } }
    }

    private static func eventually(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<6_000 {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    @Test("given a write holding an item, when two more come for it and one for another item, then the other runs at once and the two run after it, in arrival order")
    func writesToOneItemTakeTurns() async throws {
        let (locks, trace) = (ItemWriteLocks(), Trace())
        let (release, released) = AsyncStream.makeStream(of: Void.self)
        // given
        let holder = Task {
            try await locks.withLock("a", marketplace: .wildberries) { () throws(ConnectorError) in
                trace.add("a1 start")
                for await _ in release { break }
                trace.add("a1 end")
            }
        }
        #expect(await Self.eventually { trace.all == ["a1 start"] })
        // when
        let second = Task { try await locks.withLock("a", marketplace: .wildberries) { () throws(ConnectorError) in trace.add("a2") } }
        #expect(await Self.eventually { locks.waiterCount("a") == 1 })
        let third = Task { try await locks.withLock("a", marketplace: .wildberries) { () throws(ConnectorError) in trace.add("a3") } }
        #expect(await Self.eventually { locks.waiterCount("a") == 2 })
        try await locks.withLock("b", marketplace: .wildberries) { () throws(ConnectorError) in trace.add("b") }
        // then
        #expect(trace.all == ["a1 start", "b"])
        released.yield()
        try await holder.value
        try await second.value
        try await third.value
        #expect(trace.all == ["a1 start", "b", "a1 end", "a2", "a3"])
        #expect(locks.heldCount == 0)
    }

    @Test("given a write waiting for an item, when its task is cancelled, then it leaves the line unrun and the next one runs after the holder")
    func aCancelledWaiterLeaves() async throws {
        let (locks, trace) = (ItemWriteLocks(), Trace())
        let (release, released) = AsyncStream.makeStream(of: Void.self)
        // given
        let holder = Task {
            try await locks.withLock("a", marketplace: .ozon) { () throws(ConnectorError) in
                trace.add("holder")
                for await _ in release { break }
            }
        }
        #expect(await Self.eventually { trace.all == ["holder"] })
        let cancelled = Task { try await locks.withLock("a", marketplace: .ozon) { () throws(ConnectorError) in trace.add("cancelled") } }
        #expect(await Self.eventually { locks.waiterCount("a") == 1 })
        let next = Task { try await locks.withLock("a", marketplace: .ozon) { () throws(ConnectorError) in trace.add("next") } }
        #expect(await Self.eventually { locks.waiterCount("a") == 2 })
        // when
        cancelled.cancel()
        // then: it ends while the holder still runs
        let error = await #expect(throws: ConnectorError.self) { try await cancelled.value }
        guard case .upstreamTimeout(let failure?)? = error else {
            Issue.record("expected upstreamTimeout, got \(String(describing: error))")
            return
        }
        #expect(failure.message.contains("nothing was sent"))
        #expect(locks.waiterCount("a") == 1)
        released.yield()
        try await holder.value
        try await next.value
        #expect(trace.all == ["holder", "next"])
        #expect(locks.heldCount == 0)
    }

    @Test("given a write holding an item, when another's deadline passes while it waits, then it leaves the line unrun with upstreamTimeout saying nothing was sent, and the item goes to the next")
    func aWaiterLeavesAtItsDeadline() async throws {
        let (locks, trace) = (ItemWriteLocks(), Trace())
        let (release, released) = AsyncStream.makeStream(of: Void.self)
        // given
        let holder = Task {
            try await locks.withLock("a", marketplace: .wildberries) { () throws(ConnectorError) in
                trace.add("holder")
                for await _ in release { break }
            }
        }
        #expect(await Self.eventually { trace.all == ["holder"] })
        // when: its deadline a few seconds away, and no cancellation (a keyed write runs on
        // without its client); seen in line before the deadline passes, so the test is of a
        // waiter leaving, not of a call refused on arrival
        let late = Task {
            try await locks.withLock("a", marketplace: .wildberries, until: .now + .seconds(3)) { () throws(ConnectorError) in
                trace.add("late")
            }
        }
        #expect(await Self.eventually { locks.waiterCount("a") == 1 })
        // then
        await #expect {
            try await late.value
        } throws: { error in
            guard case ConnectorError.upstreamTimeout(let failure?) = error else { return false }
            return failure.message.contains("the deadline passed") && failure.message.contains("nothing was sent")
        }
        #expect(locks.waiterCount("a") == 0)
        #expect(locks.waitingCount == 0)
        released.yield()
        try await holder.value
        try await locks.withLock("a", marketplace: .wildberries, until: .now + .seconds(30)) { () throws(ConnectorError) in trace.add("next") }
        #expect(trace.all == ["holder", "next"])
        #expect(locks.heldCount == 0 && locks.waitingCount == 0)
    }

    @Test("given a body that throws, then the item is free for the next write")
    func aFailedWriteReleases() async throws {
        let locks = ItemWriteLocks()
        await #expect(throws: ConnectorError.self) {
            try await locks.withLock("a", marketplace: .wildberries) { () throws(ConnectorError) in throw .itemNotFound(id: "a") }
        }
        #expect(locks.heldCount == 0)
        #expect(try await locks.withLock("a", marketplace: .wildberries) { () throws(ConnectorError) in 7 } == 7)
    }
}

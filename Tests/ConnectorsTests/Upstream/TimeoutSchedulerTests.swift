@testable import Connectors
import Testing

@Suite("Timeout scheduler", .serialized)
struct TimeoutSchedulerTests {
    private typealias Fired = Recorder<String>
    /// One scheduler per test, never deallocated (as the scheduler requires), so that deadlines
    /// other suites set on `shared` meanwhile cannot wake its thread and hide a missing wake-up.
    private static let earliestFirstScheduler = TimeoutScheduler()
    private static let nearDeadlineScheduler = TimeoutScheduler()
    private static let cancelledScheduler = TimeoutScheduler()

    /// Whether `count` actions fired within a bound far beyond any deadline here (20 s): a
    /// liveness check, so that a scheduler that never wakes fails the test instead of hanging it.
    private func fired(_ fired: Fired, count: Int) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { await fired.waitFor(count); return true }
            group.addTask { try? await Task.sleep(for: .seconds(20)); return false }
            let first = await group.next() ?? false
            group.cancelAll()
            // Releases the waiter when the bound won, so the group can end.
            for _ in 0..<count where !first { fired.append("gave up") }
            return first
        }
    }

    @Test("given deadlines scheduled latest first, when they pass, then each fires once, earliest first", .timeLimit(.minutes(1)))
    func earliestFirst() async {
        let fired = Fired()
        let scheduler = Self.earliestFirstScheduler
        var deadlines: [(name: String, at: ContinuousClock.Instant)] = []
        for (name, after) in [("third", 900), ("second", 600), ("first", 300)] {
            let now = ContinuousClock.now
            _ = scheduler.schedule(after: .milliseconds(after)) { fired.append(name) }
            deadlines.append((name, now + .milliseconds(after)))
        }
        #expect(await self.fired(fired, count: 3))
        // in the order of the deadlines as scheduled: a stall between the calls (a busy machine)
        // can move the later calls' deadlines past the earlier ones'
        #expect(fired.entries == deadlines.sorted { $0.at < $1.at }.map(\.name))
    }

    @Test("given the thread asleep towards a far deadline, when a near one is scheduled, then the near one fires without waiting for the far one",
          .timeLimit(.minutes(1)))
    func nearDeadlineWakesTheThread() async throws {
        let fired = Fired()
        let scheduler = Self.nearDeadlineScheduler
        let far = scheduler.schedule(after: .seconds(600)) { fired.append("far") }
        defer { scheduler.cancel(far) }
        // The thread goes to sleep towards the far deadline first.
        while !scheduler.isAsleepTowardsADeadline { try await Task.sleep(for: .milliseconds(1)) }
        _ = scheduler.schedule(after: .milliseconds(50)) { fired.append("near") }
        let nearFired = await self.fired(fired, count: 1)
        #expect(nearFired)
        #expect(fired.entries.first == "near")
    }

    @Test("given a cancelled deadline, when its time passes, then its action never runs", .timeLimit(.minutes(1)))
    func cancelledNeverFires() async {
        let fired = Fired()
        let scheduler = Self.cancelledScheduler
        // Deadlines far enough out that no stall of a busy machine reaches them before the cancel.
        let cancelled = scheduler.schedule(after: .seconds(2)) { fired.append("cancelled") }
        let alsoCancelled = scheduler.schedule(after: .milliseconds(2500)) { fired.append("also cancelled") }
        scheduler.cancel(alsoCancelled)
        scheduler.cancel(cancelled)
        _ = scheduler.schedule(after: .seconds(3)) { fired.append("kept") }
        #expect(await self.fired(fired, count: 1))
        #expect(fired.entries == ["kept"])
    }
}

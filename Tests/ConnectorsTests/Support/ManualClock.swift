@testable import Connectors
import Synchronization

/// A `ResilienceClock` whose time stands still until the test calls `advance(by:)`. A sleeper
/// stays suspended until time reaches its instant, or until its task is cancelled (then it
/// throws `CancellationError`), so waits are asserted by looking at the clock, never by wall time.
final class ManualClock: ResilienceClock {
    private struct Sleeper {
        var until: ContinuousClock.Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct Watcher {
        var count: Int
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var now: ContinuousClock.Instant
        var sleepers: [UInt64: Sleeper] = [:]
        /// Sleeps whose task was cancelled before they registered.
        var cancelledEarly: Set<UInt64> = []
        var lastID: UInt64 = 0
        var watchers: [Watcher] = []
        var requested: [Duration] = []
    }

    private let state: Mutex<State>
    /// The instant the clock started at, to express expectations as offsets.
    let start: ContinuousClock.Instant

    init(start: ContinuousClock.Instant = ContinuousClock.now) {
        self.start = start
        state = Mutex(State(now: start))
    }

    var now: ContinuousClock.Instant { state.withLock { $0.now } }

    /// Time since the clock started.
    var elapsed: Duration { now - start }

    /// The instants sleepers are waiting for, earliest first.
    var pendingWakeUps: [ContinuousClock.Instant] {
        state.withLock { $0.sleepers.values.map(\.until).sorted() }
    }

    /// How long each sleep asked for, measured from the time it began, in order.
    var requestedSleeps: [Duration] { state.withLock { $0.requested } }

    /// Moves time forward and wakes every sleeper whose instant has come.
    func advance(by duration: Duration) {
        precondition(duration >= .zero, "a manual clock only moves forward")
        let woken: [CheckedContinuation<Void, any Error>] = state.withLock { state in
            state.now = state.now + duration
            let due = state.sleepers.filter { $0.value.until <= state.now }
            for id in due.keys { state.sleepers[id] = nil }
            return due.values.sorted { $0.until < $1.until }.map(\.continuation)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Moves time to `instant` (if it is ahead) and wakes whoever is due.
    func advance(to instant: ContinuousClock.Instant) {
        advance(by: max(.zero, instant - now))
    }

    func sleep(until instant: ContinuousClock.Instant) async throws {
        try Task.checkCancellation()
        let id: UInt64? = state.withLock { state in
            state.requested.append(instant - state.now)
            guard instant > state.now else { return nil }
            state.lastID += 1
            return state.lastID
        }
        guard let id else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome: (cancelled: Bool, watchers: [CheckedContinuation<Void, Never>]) = state.withLock { state in
                    if state.cancelledEarly.remove(id) != nil { return (true, []) }
                    state.sleepers[id] = Sleeper(until: instant, continuation: continuation)
                    return (false, Self.takeSatisfiedWatchers(&state))
                }
                if outcome.cancelled { continuation.resume(throwing: CancellationError()) }
                for watcher in outcome.watchers { watcher.resume() }
            }
        } onCancel: {
            let sleeper: Sleeper? = state.withLock { state in
                if let sleeper = state.sleepers.removeValue(forKey: id) { return sleeper }
                state.cancelledEarly.insert(id)
                return nil
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Returns once at least `count` sleepers are suspended on this clock: the point where a
    /// test may look at `pendingWakeUps` and advance time.
    func waitForSleepers(_ count: Int = 1) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready: Bool = state.withLock { state in
                if state.sleepers.count >= count { return true }
                state.watchers.append(Watcher(count: count, continuation: continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    private static func takeSatisfiedWatchers(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        let count = state.sleepers.count
        let ready = state.watchers.filter { $0.count <= count }.map(\.continuation)
        state.watchers.removeAll { $0.count <= count }
        return ready
    }
}

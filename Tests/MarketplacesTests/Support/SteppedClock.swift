import Connectors
import Synchronization

/// A resilience clock that stands still until the test moves it: a sleeper waits until the
/// clock reaches its instant (or its task is cancelled), so that a test sees the slots a rate
/// budget hands out and lets the calls go one slot at a time.
final class SteppedClock: ResilienceClock {
    private struct Sleeper {
        let id: Int
        let instant: ContinuousClock.Instant
        let wake: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now = ContinuousClock.now
        var sleepers: [Sleeper] = []
        var lastID = 0
        /// Sleepers cancelled before they were queued.
        var cancelled: Set<Int> = []
    }

    private let state = Mutex(State())

    var now: ContinuousClock.Instant { state.withLock { $0.now } }

    /// The instants sleepers wait for, earliest first.
    var waiting: [ContinuousClock.Instant] { state.withLock { $0.sleepers.map(\.instant) }.sorted() }

    func sleep(until instant: ContinuousClock.Instant) async throws {
        let id = state.withLock { $0.lastID += 1; return $0.lastID }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (wake: CheckedContinuation<Void, any Error>) in
                let outcome: Bool? = state.withLock { state in
                    if state.cancelled.remove(id) != nil { return false }
                    guard instant > state.now else { return true }
                    state.sleepers.append(Sleeper(id: id, instant: instant, wake: wake))
                    return nil
                }
                switch outcome {
                case true?: wake.resume()
                case false?: wake.resume(throwing: CancellationError())
                case nil: break
                }
            }
        } onCancel: {
            let sleeper = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else {
                    state.cancelled.insert(id)
                    return nil
                }
                return state.sleepers.remove(at: index)
            }
            sleeper?.wake.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock to `instant` and wakes the sleepers whose instant has come.
    func advance(to instant: ContinuousClock.Instant) {
        let due = state.withLock { state in
            state.now = max(state.now, instant)
            let now = state.now
            let due = state.sleepers.filter { $0.instant <= now }
            state.sleepers.removeAll { $0.instant <= now }
            return due
        }
        for sleeper in due { sleeper.wake.resume() }
    }
}

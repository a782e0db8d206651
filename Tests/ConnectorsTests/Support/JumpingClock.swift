@testable import Connectors
import Synchronization

/// A `ResilienceClock` for simulations: every sleep jumps time straight to the instant asked
/// for, so a loop that would run for a simulated minute finishes at once.
final class JumpingClock: ResilienceClock {
    private let current: Mutex<ContinuousClock.Instant>
    let start: ContinuousClock.Instant

    init(start: ContinuousClock.Instant = ContinuousClock.now) {
        self.start = start
        current = Mutex(start)
    }

    var now: ContinuousClock.Instant { current.withLock { $0 } }

    func sleep(until instant: ContinuousClock.Instant) async throws {
        try Task.checkCancellation()
        current.withLock { $0 = max($0, instant) }
    }
}

import Connectors
import Synchronization

/// A resilience clock whose waits end at once: a sleep moves this clock's time forward instead
/// of passing real time, and is recorded, so tests assert how long the connector would have
/// waited (a 429's `retry-after`, a circuit's cool-down) without waiting. Between sleeps it runs
/// with real time.
final class OzonTestClock: ResilienceClock {
    private let offset = Mutex<Duration>(.zero)
    private let sleeps = Mutex<[Duration]>([])

    var now: ContinuousClock.Instant { ContinuousClock.now + offset.withLock { $0 } }

    func sleep(until instant: ContinuousClock.Instant) async throws {
        try Task.checkCancellation()
        let wait = instant - now
        if wait > .zero {
            offset.withLock { $0 += wait }
            sleeps.withLock { $0.append(wait) }
        }
        await Task.yield()
    }

    /// Moves time forward, as if `duration` had passed.
    func advance(by duration: Duration) {
        offset.withLock { $0 += duration }
    }

    /// Every wait a sleeper asked for, in order.
    var slept: [Duration] { sleeps.withLock { $0 } }
}

import Connectors
import Synchronization

/// Real time plus an offset a test moves forward: cool-downs pass at once, without sleeping.
final class WildberriesTestClock: ResilienceClock {
    private let offset = Mutex(Duration.zero)

    var now: ContinuousClock.Instant { ContinuousClock.now + offset.withLock { $0 } }

    func sleep(until instant: ContinuousClock.Instant) async throws {
        try await ContinuousClock().sleep(until: instant - offset.withLock { $0 }, tolerance: .milliseconds(1))
    }

    func advance(by duration: Duration) {
        offset.withLock { $0 += duration }
    }
}

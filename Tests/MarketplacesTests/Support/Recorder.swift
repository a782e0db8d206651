import Synchronization

/// Counts events from concurrent tasks.
final class Recorder: Sendable {
    private let events = Mutex(0)

    func note() { events.withLock { $0 += 1 } }

    var count: Int { events.withLock { $0 } }
}

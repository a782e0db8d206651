import Foundation
import Synchronization

/// Unix milliseconds that stand still from this machine's time when made until a test moves
/// them: whether a second of the event stream is over then depends on the test's steps, not on
/// how long a busy machine takes over them.
final class StandingWallClock: Sendable {
    private let milliseconds = Atomic<Int64>(Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))

    var now: Int64 { milliseconds.load(ordering: .relaxed) }

    func shift(byMilliseconds shift: Int64) {
        milliseconds.add(shift, ordering: .relaxed)
    }
}

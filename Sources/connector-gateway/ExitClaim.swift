import Synchronization

/// Taken once, by whichever of the drain's end and a second signal ends the process first: the
/// other leaves the exit to it (two threads in glibc's `exit` at once run its handlers twice
/// and may report the wrong status).
final class ExitClaim: Sendable {
    private let claimed = Atomic<Bool>(false)

    /// True for the first caller only.
    func claim() -> Bool {
        claimed.compareExchange(expected: false, desired: true, ordering: .sequentiallyConsistent).exchanged
    }
}

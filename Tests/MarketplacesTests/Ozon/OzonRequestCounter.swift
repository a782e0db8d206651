import Synchronization

/// Counts requests per path, for hosts that answer the n-th request differently.
final class OzonRequestCounter: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    /// How many requests to `path` came before this one.
    func next(_ path: String) -> Int {
        counts.withLock { counts in
            defer { counts[path, default: 0] += 1 }
            return counts[path, default: 0]
        }
    }

    /// How many requests to `path` came so far.
    func count(_ path: String) -> Int {
        counts.withLock { $0[path, default: 0] }
    }
}

import Synchronization

/// What a simulated host received, so tests can count upstream calls (retries included). Only
/// the latest `capacity` entries are kept: the demo runs the simulators for as long as the
/// gateway runs, and a log of every request would grow without end (about 50 bytes a request).
public final class RequestLog: Sendable {
    /// One request received and how it was answered.
    public struct Entry: Sendable, Equatable {
        /// The method as sent.
        public var method: String
        /// The path, percent-decoded, without the query.
        public var path: String
        /// The status answered, or nil for a reset connection.
        public var status: Int?

        /// An entry; `status` nil for a request answered with a reset.
        public init(method: String, path: String, status: Int?) {
            self.method = method
            self.path = path
            self.status = status
        }
    }

    private struct State {
        var entries: [Entry] = []
        /// Every request recorded since the start or the last `reset()`, kept or not.
        var recorded = 0
    }

    /// How many of the latest entries are kept.
    public let capacity: Int
    private let state = Mutex(State())

    /// An empty log keeping the latest `capacity` entries (at least 1).
    public init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
    }

    /// Adds `entry`, forgetting the oldest beyond `capacity`; `SimulatorServer` calls it for every request.
    public func record(_ entry: Entry) {
        state.withLock { state in
            state.entries.append(entry)
            state.recorded += 1
            // Trimmed a quarter at a time, so the copy is paid once per many appends.
            if state.entries.count > capacity + capacity / 4 {
                state.entries.removeFirst(state.entries.count - capacity)
            }
        }
    }

    /// The kept entries, oldest first.
    public var all: [Entry] {
        state.withLock { state in Array(state.entries.suffix(capacity)) }
    }

    /// Kept requests to exactly `path` (any method when `method` is nil).
    public func count(path: String, method: String? = nil) -> Int {
        all.filter { $0.path == path && (method == nil || $0.method == method) }.count
    }

    /// Requests received since the start or the last `reset()`, including those no longer kept.
    public var total: Int { state.withLock { $0.recorded } }

    /// Forgets every entry and sets `total` back to 0.
    public func reset() {
        state.withLock { $0 = State() }
    }
}

import Synchronization

/// What a simulated host received, so tests can count upstream calls (retries included).
public final class RequestLog: Sendable {
    public struct Entry: Sendable, Equatable {
        public var method: String
        public var path: String
        /// The status answered, or nil for a reset connection.
        public var status: Int?
    }

    private let entries = Mutex<[Entry]>([])

    public init() {}

    public func record(_ entry: Entry) {
        entries.withLock { $0.append(entry) }
    }

    public var all: [Entry] { entries.withLock { $0 } }

    /// Requests to exactly `path` (any method when `method` is nil).
    public func count(path: String, method: String? = nil) -> Int {
        entries.withLock { $0.filter { $0.path == path && (method == nil || $0.method == method) }.count }
    }

    public var total: Int { entries.withLock { $0.count } }

    public func reset() {
        entries.withLock { $0.removeAll() }
    }
}

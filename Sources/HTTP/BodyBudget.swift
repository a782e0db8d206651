import Synchronization

/// A ceiling on the bytes of message bodies held at once by many readers together: each answer
/// has a limit of its own, but many at once could still take all of a container's memory. A
/// reader takes what it receives before keeping it and gives it all back when it lets go of the
/// message; one that cannot take more fails its message instead of holding it.
public final class BodyBudget: Sendable {
    /// Bytes that may be held at once.
    public let limit: Int
    private let held = Atomic<Int>(0)

    public init(limit: Int) {
        self.limit = limit
    }

    /// Takes `count` bytes; false, taking nothing, when that would pass `limit`.
    public func take(_ count: Int) -> Bool {
        var current = held.load(ordering: .relaxed)
        while true {
            guard count <= limit - current else { return false }
            let (exchanged, original) = held.compareExchange(expected: current, desired: current + count, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }

    /// Gives back `count` bytes taken before.
    public func release(_ count: Int) {
        held.subtract(count, ordering: .relaxed)
    }

    /// Bytes held now.
    public var inUse: Int { held.load(ordering: .relaxed) }
}

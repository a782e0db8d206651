import Synchronization

/// A ceiling on the bytes of message bodies held at once by many readers together: each answer
/// has a limit of its own, but many at once could still take all of a container's memory. A
/// reader takes what it receives before keeping it, and the bytes stay taken until whoever holds
/// the message lets go of it (`Lease`); one that cannot take more fails its message instead.
/// A small message (`alwaysAdmitted` in all) is always taken, over the ceiling if need be, so
/// that large ones filling it cannot fail a 40-byte answer to a write the upstream applied (the
/// first `alwaysAdmitted` bytes of a larger one get in the same way: each message in flight may
/// pass the ceiling by that much at most).
public final class BodyBudget: Sendable {
    /// Bytes that may be held at once.
    public let limit: Int
    private let held = Atomic<Int>(0)

    /// A message of this many bytes or fewer in all is always admitted.
    public static let alwaysAdmitted = 64 * 1024

    /// What `take` made of a message's next bytes.
    public enum Admission: Sendable, Equatable {
        /// Taken: hold them.
        case taken
        /// Not taken: other messages hold too much now; the same message may fit later.
        case full
        /// Not taken: the message alone is larger than `limit`, now or ever.
        case neverFits
    }

    public init(limit: Int) {
        self.limit = limit
    }

    /// Takes `count` more bytes of a message that holds `message` bytes already.
    public func take(_ count: Int, message: Int = 0) -> Admission {
        guard count <= limit - message else { return .neverFits }
        if message + count <= Self.alwaysAdmitted {
            held.add(count, ordering: .relaxed)
            return .taken
        }
        var current = held.load(ordering: .relaxed)
        while true {
            guard count <= limit - current else { return .full }
            let (exchanged, original) = held.compareExchange(expected: current, desired: current + count, ordering: .relaxed)
            if exchanged { return .taken }
            current = original
        }
    }

    /// Gives back `count` bytes taken before.
    public func release(_ count: Int) {
        held.subtract(count, ordering: .relaxed)
    }

    /// Bytes held now.
    public var inUse: Int { held.load(ordering: .relaxed) }

    /// `count` bytes taken before, handed to whoever holds the message now: given back when the
    /// last copy of the lease goes (the message decoded and dropped), not when it arrived.
    public func lease(_ count: Int) -> Lease {
        Lease(budget: self, count: count)
    }

    /// Bytes of a budget held for as long as this object lives.
    public final class Lease: Sendable {
        let budget: BodyBudget
        /// The bytes held.
        public let count: Int

        init(budget: BodyBudget, count: Int) {
            self.budget = budget
            self.count = count
        }

        deinit {
            budget.release(count)
        }
    }
}

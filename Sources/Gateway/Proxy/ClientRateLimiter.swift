import Synchronization

/// Request rate per client address for the routes that need no API key (`public_rate_limit`):
/// the same GCRA arithmetic as `TenantRateLimiter`, keyed by address. IPv6 clients are keyed by
/// their /64, since one host usually holds a whole /64 and could otherwise rotate through it.
///
/// The table is bounded: an address whose allowance is whole again is indistinguishable from one
/// never seen, so such entries are dropped when the table is full; if every entry is still
/// active, a new address passes untracked (fail open) rather than growing memory without bound.
/// The table is never walked: each tracked address has one record in a queue, and a full table
/// looks at no more than `maxExamined` records from its front (a clock hand): an address whose
/// allowance is whole again leaves; one still active goes to the back, a second chance. So a
/// spray of new addresses against a full table of active ones costs each request a few steps
/// under the lock, however large the table (a walk of 100,000 entries took ~120 ms of the lock),
/// and an entry that has expired is found within a few turns of the hand.
public final class ClientRateLimiter: Sendable {
    /// The allowance every client address gets.
    public let limit: TenantRateLimit
    private let interval: Duration
    private let tolerance: Duration
    private let capacity: Int

    /// An IPv4 address, or an IPv6 /64.
    private struct ClientKey: Hashable {
        var bits: UInt64
        var isIPv4: Bool

        init(_ address: IPAddress) {
            isIPv4 = address.isIPv4
            bits = address.bytes.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
        }
    }

    private struct State {
        /// Theoretical arrival time per key: the allowance is whole when it is ≤ now.
        var nextFree: [ClientKey: ContinuousClock.Instant] = [:]
        /// One record per tracked key: the clock hand's round.
        var queue: [ClientKey] = []
        var queueStart = 0
        /// Records looked at to make room (for tests of its cost).
        var examined = 0

        /// Looks at up to `maxExamined` records from the front of the queue while the table is
        /// at `capacity`: an entry whose allowance is whole again leaves with its record; an
        /// active one's record goes to the back.
        mutating func makeRoom(now: ContinuousClock.Instant, capacity: Int) {
            var budget = min(ClientRateLimiter.maxExamined, queue.count - queueStart)
            while nextFree.count >= capacity, budget > 0 {
                let key = queue[queueStart]
                queueStart += 1
                budget -= 1
                examined += 1
                guard let due = nextFree[key] else { continue }
                if due <= now {
                    nextFree.removeValue(forKey: key)
                } else {
                    queue.append(key)
                }
            }
            if queueStart > 1024, queueStart * 2 > queue.count {
                queue.removeFirst(queueStart)
                queueStart = 0
            }
        }
    }

    /// Records a request for an untracked address looks at, at most, to make room.
    static let maxExamined = 8

    private let state = Mutex(State())
    /// The latest instant any address is refused until (`due - tolerance`, the largest so far),
    /// in nanoseconds from `origin`; written under the lock, read without it. While it is past,
    /// no address is refused, and `wait(for:)` says so without the lock, which every tenant
    /// request on every loop would otherwise take (`failed_auth_limit`).
    private let refusedUntil: Atomic<Int64>
    private let origin: ContinuousClock.Instant

    /// `capacity` (at least 1) bounds the addresses tracked at once; past it new addresses pass
    /// untracked rather than grow the table.
    public init(limit: TenantRateLimit, capacity: Int = 100_000) {
        self.limit = limit
        self.capacity = max(1, capacity)
        interval = .nanoseconds(Int64((1e9 / limit.rate).rounded()))
        tolerance = interval * (limit.burst - 1)
        origin = .now
        refusedUntil = Atomic(.min)
    }

    private func offset(_ instant: ContinuousClock.Instant) -> Int64 {
        let (seconds, attoseconds) = (instant - origin).components
        return seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000
    }

    /// Spends one request of `client`'s allowance; when refused, how long until one would pass.
    public func check(_ client: IPAddress, now: ContinuousClock.Instant = .now) -> Duration? {
        let key = ClientKey(client)
        return state.withLock { state -> Duration? in
            let known = state.nextFree[key]
            if known == nil, state.nextFree.count >= capacity {
                state.makeRoom(now: now, capacity: capacity)
                if state.nextFree.count >= capacity { return nil }
            }
            let base = max(known ?? now, now)
            if base - tolerance > now {
                let wait = base - tolerance - now
                return wait > .zero ? wait : interval
            }
            state.nextFree[key] = base + interval
            if known == nil { state.queue.append(key) }
            let until = offset(base + interval - tolerance)
            if until > refusedUntil.load(ordering: .relaxed) { refusedUntil.store(until, ordering: .releasing) }
            return nil
        }
    }

    /// How long until `client` may spend again, spending nothing: nil while its allowance has
    /// room (an untracked address's always has).
    public func wait(for client: IPAddress, now: ContinuousClock.Instant = .now) -> Duration? {
        guard refusedUntil.load(ordering: .acquiring) > offset(now) else { return nil }
        let key = ClientKey(client)
        return state.withLock { state -> Duration? in
            guard let due = state.nextFree[key], due - tolerance > now else { return nil }
            return due - tolerance - now
        }
    }

    /// Addresses tracked now (for tests of the bound).
    var trackedCount: Int { state.withLock { $0.nextFree.count } }
    /// Queue records looked at to make room so far (for tests of its cost).
    var examinedCount: Int { state.withLock { $0.examined } }
    /// Records queued, live or not: one per tracked address.
    var queuedCount: Int { state.withLock { $0.queue.count - $0.queueStart } }
}

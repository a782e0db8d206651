import Synchronization

/// Request rate per client address for the routes that need no API key (`public_rate_limit`):
/// the same GCRA arithmetic as `TenantRateLimiter`, keyed by address. IPv6 clients are keyed by
/// their /64, since one host usually holds a whole /64 and could otherwise rotate through it.
///
/// The table is bounded: an address whose allowance is whole again is indistinguishable from one
/// never seen, so such entries are dropped when the table is full; if every entry is still
/// active, a new address passes untracked (fail open) rather than growing memory without bound.
/// The table is never walked: each tracked address has one record in a queue, in the order it
/// came, and a full table looks only at the queue's front. A record whose address is whole
/// again leaves with its entry; one whose address has spent since goes to the back. So a spray
/// of new addresses against a full table of active ones costs each request a few steps under the
/// lock, however large the table (a walk of 100,000 entries took ~120 ms of the lock).
public final class ClientRateLimiter: Sendable {
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
        /// One record per tracked key, with its `nextFree` when the record was queued.
        var queue: [(key: ClientKey, due: ContinuousClock.Instant)] = []
        var queueStart = 0
        /// Records looked at to make room (for tests of its cost).
        var examined = 0

        /// Drops entries at the front of the queue whose allowance is whole again until the table
        /// is below `capacity`; one that has spent since its record was queued goes to the back
        /// with its later time. Stops at the first record not yet due, so the cost is amortised
        /// over the requests that queued them.
        mutating func evict(now: ContinuousClock.Instant, below capacity: Int) {
            while nextFree.count >= capacity, queueStart < queue.count, queue[queueStart].due <= now {
                let key = queue[queueStart].key
                queueStart += 1
                examined += 1
                guard let due = nextFree[key] else { continue }
                if due <= now {
                    nextFree.removeValue(forKey: key)
                } else {
                    queue.append((key, due))
                }
            }
            if queueStart > 1024, queueStart * 2 > queue.count {
                queue.removeFirst(queueStart)
                queueStart = 0
            }
        }
    }

    private let state = Mutex(State())

    public init(limit: TenantRateLimit, capacity: Int = 100_000) {
        self.limit = limit
        self.capacity = max(1, capacity)
        interval = .nanoseconds(Int64((1e9 / limit.rate).rounded()))
        tolerance = interval * (limit.burst - 1)
    }

    /// Spends one request of `client`'s allowance; when refused, how long until one would pass.
    public func check(_ client: IPAddress, now: ContinuousClock.Instant = .now) -> Duration? {
        let key = ClientKey(client)
        return state.withLock { state -> Duration? in
            let known = state.nextFree[key]
            if known == nil, state.nextFree.count >= capacity {
                state.evict(now: now, below: capacity)
                if state.nextFree.count >= capacity { return nil }
            }
            let base = max(known ?? now, now)
            if base - tolerance > now {
                let wait = base - tolerance - now
                return wait > .zero ? wait : interval
            }
            state.nextFree[key] = base + interval
            if known == nil { state.queue.append((key, base + interval)) }
            return nil
        }
    }

    /// Addresses tracked now (for tests of the bound).
    var trackedCount: Int { state.withLock { $0.nextFree.count } }
    /// Queue records looked at to make room so far (for tests of its cost).
    var examinedCount: Int { state.withLock { $0.examined } }
    /// Records queued, live or not: one per tracked address.
    var queuedCount: Int { state.withLock { $0.queue.count - $0.queueStart } }
}

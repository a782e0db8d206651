import Synchronization

/// Request rate per client address for the routes that need no API key (`public_rate_limit`):
/// the same GCRA arithmetic as `TenantRateLimiter`, keyed by address. IPv6 clients are keyed by
/// their /64, since one host usually holds a whole /64 and could otherwise rotate through it.
///
/// The table is bounded: an address whose allowance is whole again is indistinguishable from one
/// never seen, so such entries are dropped when the table is full; if every entry is still
/// active, a new address passes untracked (fail open) rather than growing memory without bound.
public final class ClientRateLimiter: Sendable {
    public let limit: TenantRateLimit
    private let interval: Duration
    private let tolerance: Duration
    private let capacity: Int
    /// Theoretical arrival time per key: the allowance is whole when it is ≤ now.
    private let nextFree = Mutex<[[UInt8]: ContinuousClock.Instant]>([:])

    public init(limit: TenantRateLimit, capacity: Int = 100_000) {
        self.limit = limit
        self.capacity = max(1, capacity)
        interval = .nanoseconds(Int64((1e9 / limit.rate).rounded()))
        tolerance = interval * (limit.burst - 1)
    }

    /// Spends one request of `client`'s allowance; when refused, how long until one would pass.
    public func check(_ client: IPAddress, now: ContinuousClock.Instant = .now) -> Duration? {
        let key = client.isIPv4 ? client.bytes : Array(client.bytes.prefix(8))
        return nextFree.withLock { table -> Duration? in
            if table[key] == nil, table.count >= capacity {
                table = table.filter { $0.value > now }
                if table.count >= capacity { return nil }
            }
            let base = max(table[key] ?? now, now)
            if base - tolerance > now {
                let wait = base - tolerance - now
                return wait > .zero ? wait : interval
            }
            table[key] = base + interval
            return nil
        }
    }

    /// Addresses tracked now (for tests of the bound).
    var trackedCount: Int { nextFree.withLock { $0.count } }
}

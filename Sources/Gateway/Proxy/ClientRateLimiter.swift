import Synchronization

/// Request rate per client address for the routes that need no API key (`public_rate_limit`):
/// the same GCRA arithmetic as `TenantRateLimiter`, keyed by address. IPv6 clients are keyed by
/// their /64, since one host usually holds a whole /64 and could otherwise rotate through it.
///
/// The table is bounded: an address whose allowance is whole again is indistinguishable from one
/// never seen, so such entries are dropped when the table is full; if every entry is still
/// active, a new address passes untracked (fail open) rather than growing memory without bound.
/// A sweep of the full table that frees little is not repeated until an eighth of it will have
/// expired: a spray of new addresses against a full table of active ones costs each request a
/// lookup, not a walk of the table under the lock.
public final class ClientRateLimiter: Sendable {
    public let limit: TenantRateLimit
    private let interval: Duration
    private let tolerance: Duration
    private let capacity: Int

    private struct State {
        /// Theoretical arrival time per key: the allowance is whole when it is ≤ now.
        var nextFree: [[UInt8]: ContinuousClock.Instant] = [:]
        /// Before this, sweeping the full table would free too little to be worth it.
        var sweepNotBefore: ContinuousClock.Instant?
        var sweeps = 0
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
        let key = client.isIPv4 ? client.bytes : Array(client.bytes.prefix(8))
        return state.withLock { state -> Duration? in
            if state.nextFree[key] == nil, state.nextFree.count >= capacity {
                if let notBefore = state.sweepNotBefore, now < notBefore { return nil }
                sweep(&state, now: now)
                if state.nextFree.count >= capacity { return nil }
            }
            let base = max(state.nextFree[key] ?? now, now)
            if base - tolerance > now {
                let wait = base - tolerance - now
                return wait > .zero ? wait : interval
            }
            state.nextFree[key] = base + interval
            return nil
        }
    }

    private func sweep(_ state: inout State, now: ContinuousClock.Instant) {
        state.sweeps += 1
        state.nextFree = state.nextFree.filter { $0.value > now }
        state.sweepNotBefore = nil
        let room = max(1, capacity / 8)
        let excess = state.nextFree.count - (capacity - room)
        guard excess > 0 else { return }
        // The instant by which enough entries will have expired to leave an eighth free.
        let expiries = state.nextFree.values.sorted()
        state.sweepNotBefore = expiries[min(excess, expiries.count) - 1]
    }

    /// Addresses tracked now (for tests of the bound).
    var trackedCount: Int { state.withLock { $0.nextFree.count } }
    /// Walks of the whole table so far (for tests of their cost).
    var sweepCount: Int { state.withLock { $0.sweeps } }
}

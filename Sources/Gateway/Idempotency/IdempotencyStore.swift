import HTTP
import Synchronization

/// Remembers replies made under an `Idempotency-Key` (IETF httpapi idempotency-key draft), per
/// tenant, so a client that retries after a lost response gets the first outcome instead of a
/// second reply upstream. A repeat while the first request runs is a conflict (409); the same
/// key with a different request is a mismatch (422). Successes are kept, and so are failures
/// after which the marketplace may have applied the write (the caller decides which); after any
/// other failure the key is free again, so the client can retry it. Entries live `lifetime`
/// (24 h); at most `capacity` are kept, the oldest dropped first.
public final class IdempotencyStore: Sendable {
    /// What a request under a key should do.
    public enum Admission: Sendable {
        /// Run it; report the outcome with `complete` or `abandon`.
        case proceed
        /// Answer with this stored response.
        case replay(HTTPResponse)
    }

    private struct Key: Hashable {
        var tenant: String
        var key: String
    }

    private struct Entry {
        var fingerprint: [UInt8]
        var response: HTTPResponse?
        var expires: ContinuousClock.Instant
        var sequence: UInt64
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var order: [(Key, UInt64)] = []
        var orderStart = 0
        var sequence: UInt64 = 0
    }

    public let lifetime: Duration
    public let capacity: Int
    private let state = Mutex(State())

    public init(lifetime: Duration = .seconds(24 * 3600), capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = max(1, capacity)
    }

    /// Claims `key` for a request whose method, path and body hash to `fingerprint`.
    public func begin(tenant: String, key: String, fingerprint: [UInt8],
                      now: ContinuousClock.Instant = .now) throws(GatewayError) -> Admission {
        let id = Key(tenant: tenant, key: key)
        let outcome: Result<Admission, GatewayError> = state.withLock { state in
            evict(&state, now: now)
            // An entry in flight holds its key however long its request takes.
            if let entry = state.entries[id], entry.expires > now || entry.response == nil {
                guard entry.fingerprint == fingerprint else { return .failure(.idempotencyMismatch) }
                guard let response = entry.response else { return .failure(.idempotencyConflict) }
                return .success(.replay(response))
            }
            state.sequence += 1
            state.entries[id] = Entry(fingerprint: fingerprint, response: nil, expires: now + lifetime, sequence: state.sequence)
            state.order.append((id, state.sequence))
            return .success(.proceed)
        }
        return try outcome.get()
    }

    /// Stores the response of the request that claimed `key`, replayed to every repeat.
    public func complete(tenant: String, key: String, response: HTTPResponse) {
        state.withLock { state in
            state.entries[Key(tenant: tenant, key: key)]?.response = response
        }
    }

    /// Frees `key` after its request failed, so a retry runs again.
    public func abandon(tenant: String, key: String) {
        _ = state.withLock { $0.entries.removeValue(forKey: Key(tenant: tenant, key: key)) }
    }

    public var count: Int { state.withLock { $0.entries.count } }

    /// Records in the eviction order, live or stale: bounded by the entries it tracks.
    var orderRecords: Int { state.withLock { $0.order.count - $0.orderStart } }

    private func evict(_ state: inout State, now: ContinuousClock.Instant) {
        // Expired entries and records of replaced or removed ones leave from the front. One whose
        // request is still running (lifetimes can be shorter than the upstream deadline) goes to
        // the back with a fresh lifetime instead: dropping it would let a repeat run the write
        // again beside it.
        while state.orderStart < state.order.count {
            let (id, sequence) = state.order[state.orderStart]
            if var entry = state.entries[id], entry.sequence == sequence {
                guard entry.expires <= now else { break }
                if entry.response == nil {
                    state.sequence += 1
                    entry.sequence = state.sequence
                    entry.expires = now + lifetime
                    state.entries[id] = entry
                    state.order.append((id, state.sequence))
                } else {
                    state.entries.removeValue(forKey: id)
                }
            }
            state.orderStart += 1
        }
        // Room for one more: drop the oldest completed entries. One still in flight is never
        // dropped for space: its request would lose its guard against a concurrent repeat.
        var index = state.orderStart
        while state.entries.count >= capacity, index < state.order.count {
            let (id, sequence) = state.order[index]
            if let entry = state.entries[id], entry.sequence == sequence, entry.response != nil {
                state.entries.removeValue(forKey: id)
            }
            index += 1
        }
        // Records of abandoned or replaced entries behind a live one at the front would pile up
        // with every failed keyed request until that one expires: drop them once they outnumber
        // the entries (amortised, as at least as many requests came since the last time).
        if state.order.count - state.orderStart > 2 * state.entries.count + 1024 {
            let entries = state.entries
            state.order = state.order[state.orderStart...].filter { entries[$0.0]?.sequence == $0.1 }
            state.orderStart = 0
        } else if state.orderStart > 1024, state.orderStart * 2 > state.order.count {
            state.order.removeFirst(state.orderStart)
            state.orderStart = 0
        }
    }
}

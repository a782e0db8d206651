import HTTP
import Synchronization

/// Remembers replies made under an `Idempotency-Key` (IETF httpapi idempotency-key draft), per
/// tenant, so a client that retries after a lost response gets the first outcome instead of a
/// second reply upstream. A repeat while the first request runs is a conflict (409); the same
/// key with a different request is a mismatch (422). Successes are kept, and so are failures
/// after which the marketplace may have applied the write (the caller decides which); after any
/// other failure the key is free again, so the client can retry it. An outcome is kept
/// `lifetime` (24 h) from when it is stored; each tenant keeps at most `capacity`, its own oldest
/// dropped first (those of requests harmless run twice before any reply), so one tenant's keyed
/// traffic never pushes out another's. Each claim also sweeps
/// the expired outcomes of one other tenant, in turn, so a tenant that went quiet does not keep
/// its outcomes in memory until its next keyed request.
///
/// With a journal (`idempotency.journal`) every claim, outcome and freed key is also written to
/// disk, in the order the store saw them, and the store starts from what the journal kept, so
/// a restart forgets nothing: `persisted(tenant:key:)` waits until a key's latest change is there.
public final class IdempotencyStore: Sendable {
    /// What a request under a key should do.
    public enum Admission: Sendable {
        /// Run it; report the outcome with `complete` or `abandon`.
        case proceed
        /// Answer with this stored response.
        case replay(HTTPResponse)
    }

    private struct Entry {
        var fingerprint: [UInt8]
        var response: HTTPResponse?
        var expires: ContinuousClock.Instant
        var sequence: UInt64
        /// When the key was claimed, or its outcome stored (milliseconds since 1970; with a journal).
        var time: Int64 = 0
        /// What a repeat gets if the process ends before the outcome is stored (with a journal);
        /// nil for a request run again after such an end (its claim then frees the key).
        var fallback: HTTPResponse?
        /// The journal's number for the entry's latest record.
        var journaled: UInt64 = 0
        /// Whether running the request again does no harm (a mark-read): its outcome makes room
        /// before any other's. Restored from a journal, a mark-read's success (204) alone, as
        /// the record does not say which request it answers.
        var harmlessTwice = false

        func record(tenant: String, key: String) -> IdempotencyJournalRecord {
            IdempotencyJournalRecord(kind: response == nil ? .began : .completed, tenant: tenant, key: key,
                                     fingerprint: fingerprint, time: time, response: response ?? fallback)
        }
    }

    /// One tenant's keys, with the order they expire in (records of replaced or removed
    /// entries are skipped by their sequence number).
    private struct Shelf {
        var entries: [String: Entry] = [:]
        var order: [(String, UInt64)] = []
        var orderStart = 0
        var sequence: UInt64 = 0
        /// Of `entries`, those whose request is still running (no outcome yet): they do not count
        /// against the capacity, which bounds the outcomes kept.
        var running = 0
        /// The outcomes of requests harmless run twice, oldest first, as in `order`: they are
        /// dropped for room before any reply, whose retry would write again.
        var harmlessOrder: [(String, UInt64)] = []
        var harmlessStart = 0

        /// Files `entry` under `key` at the back of the expiry order.
        mutating func put(_ key: String, _ entry: Entry) {
            var entry = entry
            sequence += 1
            entry.sequence = sequence
            if let replaced = entries.updateValue(entry, forKey: key), replaced.response == nil { running -= 1 }
            if entry.response == nil { running += 1 }
            order.append((key, sequence))
            if entry.response != nil, entry.harmlessTwice { harmlessOrder.append((key, sequence)) }
        }

        /// Whether `record` names `key`'s current entry, and that entry holds an outcome.
        func isStoredOutcome(_ record: (String, UInt64)) -> Bool {
            guard let entry = entries[record.0] else { return false }
            return entry.sequence == record.1 && entry.response != nil
        }

        /// Drops `key`'s entry; whether there was one.
        mutating func remove(_ key: String) -> Bool {
            guard let removed = entries.removeValue(forKey: key) else { return false }
            if removed.response == nil { running -= 1 }
            return true
        }

        /// Drops what has expired, and compacts the order.
        mutating func evict(now: ContinuousClock.Instant, lifetime: Duration) {
            // Expired entries and records of replaced or removed ones leave from the front. One whose
            // request is still running (lifetimes can be shorter than the upstream deadline) goes to
            // the back with a fresh lifetime instead: dropping it would let a repeat run the write
            // again beside it.
            while orderStart < order.count {
                let (key, sequence) = order[orderStart]
                if var entry = entries[key], entry.sequence == sequence {
                    guard entry.expires <= now else { break }
                    if entry.response == nil {
                        entry.expires = now + lifetime
                        put(key, entry)
                    } else {
                        _ = remove(key)
                    }
                }
                orderStart += 1
            }
            let entries = entries
            Self.compact(&order, start: &orderStart, entries: entries.count) { entries[$0.0]?.sequence == $0.1 }
            while harmlessStart < harmlessOrder.count, !isStoredOutcome(harmlessOrder[harmlessStart]) { harmlessStart += 1 }
            Self.compact(&harmlessOrder, start: &harmlessStart, entries: entries.count, keeping: isStoredOutcome)
        }

        /// Records of abandoned or replaced entries behind a live one at the front would pile up
        /// with every failed keyed request until that one expires: drops them (the records
        /// `keeping` refuses) once they outnumber the entries (amortised, as at least as many
        /// requests came since the last time), and the front already passed over.
        private static func compact(_ records: inout [(String, UInt64)], start: inout Int, entries: Int,
                                    keeping: ((String, UInt64)) -> Bool) {
            if records.count - start > 2 * entries + 1024 {
                records = records[start...].filter(keeping)
                start = 0
            } else if start > 1024, start * 2 > records.count {
                records.removeFirst(start)
                start = 0
            }
        }

        /// Brings a tenant's shelf back within `capacity` outcomes once `stored` holds one: its
        /// oldest other completed outcomes go first, those of requests harmless run twice
        /// (mark-reads) before any other. Only when an outcome is stored, and only
        /// outcomes count: requests that end storing nothing (they failed before their write,
        /// one after another or side by side) must not have pushed out an outcome whose retry
        /// would then write again, nor a repeat of a kept key its own.
        /// Returns the keys it dropped.
        mutating func makeRoom(capacity: Int, keeping stored: String) -> [String] {
            // One still in flight is never dropped for space: its request would lose its guard
            // against a concurrent repeat.
            var dropped: [String] = []
            while entries.count - running > capacity, harmlessStart < harmlessOrder.count {
                let record = harmlessOrder[harmlessStart]
                if isStoredOutcome(record) {
                    // `stored`'s own record is the newest: none older is left.
                    if record.0 == stored { break }
                    _ = remove(record.0)
                    dropped.append(record.0)
                }
                harmlessStart += 1
            }
            // Only `stored` is left of them: it goes itself rather than a reply.
            if entries.count - running > capacity, let entry = entries[stored], entry.harmlessTwice, entry.response != nil {
                _ = remove(stored)
                return dropped + [stored]
            }
            var index = orderStart
            while entries.count - running > capacity, index < order.count {
                let (key, sequence) = order[index]
                if key != stored, let entry = entries[key], entry.sequence == sequence, entry.response != nil {
                    _ = remove(key)
                    dropped.append(key)
                }
                index += 1
            }
            return dropped
        }
    }

    /// The shelves, and the order in which claims sweep other tenants' shelves.
    private struct State {
        var shelves: [String: Shelf] = [:]
        var tenants: [String] = []
        var nextSweep = 0

        /// Evicts what has expired on the next tenant's shelf in turn (not `current`'s, which its
        /// claim has just swept), and drops the shelf once it is empty.
        mutating func sweepAnother(than current: String, now: ContinuousClock.Instant, lifetime: Duration) {
            guard tenants.count > 1 else { return }
            if nextSweep >= tenants.count { nextSweep = 0 }
            let tenant = tenants[nextSweep]
            guard tenant != current else {
                nextSweep += 1
                return
            }
            if var shelf = shelves.removeValue(forKey: tenant) {
                shelf.evict(now: now, lifetime: lifetime)
                guard shelf.entries.isEmpty else {
                    shelves[tenant] = shelf
                    nextSweep += 1
                    return
                }
            }
            // The last tenant takes this one's place, and is the next one swept.
            tenants.swapAt(nextSweep, tenants.count - 1)
            tenants.removeLast()
        }
    }

    /// How long a completed outcome is replayed; an outcome still in flight holds its key however long.
    public let lifetime: Duration
    /// Outcomes kept per tenant.
    public let capacity: Int
    /// Where claims and outcomes are kept across restarts; nil keeps them in memory only.
    public let journal: IdempotencyJournal?
    private let state = Mutex(State())
    private let evictionObserver = Mutex<(@Sendable (_ tenant: String, _ count: Int) -> Void)?>(nil)

    /// A store; `capacity` (at least 1) bounds each tenant's outcomes, the oldest going first.
    /// With a `journal` (which serves this store alone: a second store on it traps), it starts
    /// with the outcomes the journal kept, each replayed until `lifetime` after it was stored (by
    /// the wall clock, which is all that survives a restart).
    public init(lifetime: Duration = .seconds(24 * 3600), capacity: Int = 10_000, journal: IdempotencyJournal? = nil,
                now: ContinuousClock.Instant = .now, wallClock: Int64 = IdempotencyJournal.wallClock()) {
        self.lifetime = lifetime
        self.capacity = max(1, capacity)
        self.journal = journal
        guard let journal else { return }
        state.withLock { state in
            // A tenant's newest `capacity` outcomes (the journal, opened with another capacity,
            // may hold more).
            var byTenant: [String: [IdempotencyJournalRecord]] = [:]
            for record in journal.takeRestored() {
                if byTenant[record.tenant] == nil { state.tenants.append(record.tenant) }
                byTenant[record.tenant, default: []].append(record)
            }
            for (tenant, records) in byTenant {
                var shelf = Shelf()
                for record in IdempotencyJournalRecord.kept(records, capacity: self.capacity) {
                    let remaining = lifetime - .milliseconds(max(0, wallClock - record.time))
                    shelf.put(record.key, Entry(fingerprint: record.fingerprint, response: record.response ?? Self.unknownOutcomeResponse,
                                                expires: now + remaining, sequence: 0, time: record.time,
                                                harmlessTwice: record.isHarmlessOutcome))
                }
                state.shelves[tenant] = shelf
            }
        }
        // Weak both: the journal keeps the closure, and the store keeps the journal. The state is
        // copied under the lock (its storage shared until written, when the writer copies what it
        // changes: one tenant's shelf) and turned into records outside it.
        journal.attach { [weak self, weak journal] in
            guard let self, let journal else { return nil }
            let (copy, mark) = state.withLock { ($0, journal.mark()) }
            var records: [IdempotencyJournalRecord] = []
            for (tenant, shelf) in copy.shelves {
                // Not a claim whose write failed: its request is about to free the key and tell
                // its client so, and a rewrite that kept it would bring it back after a restart.
                for (key, entry) in shelf.entries where entry.response != nil || !journal.knownToHaveFailed(entry.journaled) {
                    records.append(entry.record(tenant: tenant, key: key))
                }
            }
            // Oldest first, as they were written.
            records.sort { $0.time < $1.time }
            return (records, mark)
        }
    }

    /// What a repeat under a key is answered when the key's claim is on disk but its outcome is
    /// not (the gateway stopped while the first request ran, or could not write the outcome): the
    /// write may have gone out, and is not sent again. `ConnectorService` records it with each
    /// claim, naming the request.
    static let unknownOutcome = Problem(
        status: 500, code: "internal_error", title: Problem.internalError.title,
        detail: "The outcome of the first request under this Idempotency-Key was not recorded (the gateway stopped while it ran,"
            + " or could not write it), so it is unknown: the marketplace may have applied it. Under this Idempotency-Key the"
            + " outcome stays as it is. Look at the item, and send again with a new key if the reply is not there.")

    /// `unknownOutcome` for a claim that recorded no answer of its own.
    private static let unknownOutcomeResponse = unknownOutcome.response(requestID: "", instance: nil)

    /// Claims `key` for a request whose fingerprint is `fingerprint` (the caller's hash of what
    /// makes two requests the same: method, route and validated content).
    /// `.replay` for a repeat whose outcome is stored, `.proceed` for a new key; throws
    /// `idempotencyConflict` while the first is in flight and `idempotencyMismatch` for another
    /// request under the same key.
    /// With a journal, `fallback` is what a repeat will get if the process ends before the outcome
    /// is stored (`unknownOutcome` when nil), and with `freedIfCutShort` (a request that does no
    /// harm run twice) the key is free after such an end instead, and its outcome is the first
    /// dropped for room; wait for
    /// `persisted(tenant:key:)` before acting on `.proceed`.
    public func begin(tenant: String, key: String, fingerprint: [UInt8], fallback: @autoclosure () -> HTTPResponse? = nil,
                      freedIfCutShort: Bool = false, now: ContinuousClock.Instant = .now) throws(GatewayError) -> Admission {
        let outcome: Result<Admission, GatewayError> = state.withLock { state in
            state.sweepAnother(than: tenant, now: now, lifetime: lifetime)
            var shelf: Shelf
            if let existing = state.shelves.removeValue(forKey: tenant) {
                shelf = existing
            } else {
                shelf = Shelf()
                if !state.tenants.contains(tenant) { state.tenants.append(tenant) }
            }
            defer { state.shelves[tenant] = shelf }
            shelf.evict(now: now, lifetime: lifetime)
            // An entry in flight holds its key however long its request takes.
            if let entry = shelf.entries[key], entry.expires > now || entry.response == nil {
                guard entry.fingerprint == fingerprint else { return .failure(.idempotencyMismatch) }
                guard let response = entry.response else { return .failure(.idempotencyConflict) }
                return .success(.replay(response))
            }
            var entry = Entry(fingerprint: fingerprint, response: nil, expires: now + lifetime, sequence: 0,
                              harmlessTwice: freedIfCutShort)
            if let journal {
                entry.time = IdempotencyJournal.wallClock()
                entry.fallback = freedIfCutShort ? nil : fallback() ?? Self.unknownOutcomeResponse
                entry.journaled = journal.append(entry.record(tenant: tenant, key: key))
            }
            shelf.put(key, entry)
            return .success(.proceed)
        }
        return try outcome.get()
    }

    /// Stores the response of the request that claimed `key`, replayed to every repeat for
    /// `lifetime` from now.
    public func complete(tenant: String, key: String, response: HTTPResponse, now: ContinuousClock.Instant = .now) {
        let dropped = state.withLock { state -> Int in
            guard var entry = state.shelves[tenant]?.entries[key] else { return 0 }
            entry.response = response
            entry.expires = now + lifetime
            if let journal {
                entry.time = IdempotencyJournal.wallClock()
                entry.fallback = nil
                entry.journaled = journal.append(entry.record(tenant: tenant, key: key))
            }
            state.shelves[tenant]?.put(key, entry)
            let dropped = state.shelves[tenant]?.makeRoom(capacity: capacity, keeping: key) ?? []
            // Freed on disk too: a restart must not bring back what was dropped here, which the
            // journal's own cut (each tenant's newest) would choose by age alone.
            for freed in dropped {
                journal?.append(IdempotencyJournalRecord(kind: .abandoned, tenant: tenant, key: freed, fingerprint: [],
                                                         time: IdempotencyJournal.wallClock(), response: nil))
            }
            return dropped.count
        }
        if dropped > 0, let observer = evictionObserver.withLock({ $0 }) { observer(tenant, dropped) }
    }

    /// Calls `observer` each time outcomes are dropped before their lifetime to keep a tenant
    /// within `capacity` (a retry of such a key runs again): for a metric that says the capacity
    /// is too small for the tenant's traffic.
    public func observeEvictions(_ observer: @escaping @Sendable (_ tenant: String, _ count: Int) -> Void) {
        evictionObserver.withLock { $0 = observer }
    }

    /// Frees `key` after its request failed, so a retry runs again.
    public func abandon(tenant: String, key: String) {
        state.withLock { state in
            guard state.shelves[tenant]?.remove(key) == true else { return }
            if state.shelves[tenant]?.entries.isEmpty == true { state.shelves[tenant] = nil }
            journal?.append(IdempotencyJournalRecord(kind: .abandoned, tenant: tenant, key: key, fingerprint: [],
                                                     time: IdempotencyJournal.wallClock(), response: nil))
        }
    }

    /// Returns once every claim, outcome and freed key recorded so far is on disk, or could not
    /// be written (at once without a journal): for a freed key, whose record has no entry to wait on.
    public func persistedAll() async {
        guard let journal else { return }
        try? await journal.waitUntilWritten(journal.mark().sequence)
    }

    /// Returns once the latest claim or outcome of `key` is on disk (at once without a journal);
    /// throws when the journal could not write it. A key whose entry has gone meanwhile (another
    /// outcome made room, or it expired) waits for everything recorded so far, its own record
    /// among it: the caller answers only once what it answers is on disk.
    public func persisted(tenant: String, key: String) async throws(IdempotencyJournalError) {
        guard let journal else { return }
        let sequence = state.withLock { $0.shelves[tenant]?.entries[key]?.journaled ?? journal.mark().sequence }
        try await journal.waitUntilWritten(sequence)
    }

    /// Whether the journal failed a write it could not undo: a claim that failed so may still be
    /// read back as a claim after a restart, with its release never written.
    public var journalBroken: Bool { journal?.isBroken ?? false }

    /// Entries kept, all tenants together.
    public var count: Int { state.withLock { $0.shelves.values.reduce(0) { $0 + $1.entries.count } } }

    /// Records in the eviction orders, live or stale: bounded by the entries they track.
    var orderRecords: Int {
        state.withLock { $0.shelves.values.reduce(0) { $0 + $1.order.count - $1.orderStart + $1.harmlessOrder.count - $1.harmlessStart } }
    }
}

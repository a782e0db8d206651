import Connectors
import Dispatch
import Glibc
import Hashing
import Synchronization

/// The idempotency store's outcomes on disk (`idempotency.journal`), so that a restart, a
/// redeploy or a crash does not forget which replies went out: a retry after it replays the
/// first outcome instead of writing to the marketplace again.
///
/// An append-only file of batches (`IdempotencyJournalBatch`) of `IdempotencyJournalRecord`
/// frames behind a header that says how many of its bytes the last rewrite wrote (`header(sealing:)`). Records are written and `fdatasync`ed on a queue of their own,
/// a batch at a time, never on a loop thread;
/// a keyed request waits for its claim to be on disk before anything is sent upstream, and for
/// its outcome before it is answered. When the file has doubled since it was last rewritten it is
/// rewritten from the store's live entries (to a temporary file, synced, renamed over it). At
/// opening, the file is read back, a last write a crash left broken is dropped, and the live
/// records are rewritten (or, when that cannot be done, a disk full, the file is kept as it is,
/// without the broken write); a request that was still running when the process ended is replayed as
/// the answer its claim recorded (the outcome is unknown: it is not run twice). The file is
/// locked (`flock`), so two gateways cannot share one journal.
public final class IdempotencyJournal: Sendable {
    /// The journal's path, as configured.
    public let path: String
    /// The file the journal is: `path`, or the file it is a symbolic link to (rewrites replace
    /// that file, so the link keeps pointing at the journal).
    private let target: String
    /// The live records found at opening, until the store takes them.
    private let restored: Mutex<[IdempotencyJournalRecord]>
    /// How many outcomes the journal held when it was opened (claims whose outcome is unknown
    /// included), each tenant's newest up to the capacity it was opened with.
    public let restoredCount: Int
    /// The file is rewritten when it reaches twice its size at the last rewrite, and at least this.
    let rewriteThreshold: Int
    private let queue = DispatchQueue(label: "connector-gateway.idempotency-journal")
    private let pending: Mutex<Pending>
    /// Written on `queue` only (and at `deinit`).
    private let file: Mutex<File>
    private let snapshot = Mutex<(@Sendable () -> (records: [IdempotencyJournalRecord], mark: PendingMark)?)?>(nil)
    private let log: LogSink?
    private let failureObserver = Mutex<(@Sendable () -> Void)?>(nil)

    /// The first bytes of a journal before sealed rewrites: everything after them is appended batches.
    static let legacyHeader: [UInt8] = Array("CGIDEMP2".utf8)
    /// The first bytes of a journal whose header seals the bytes its last rewrite wrote.
    static let sealingMagic: [UInt8] = Array("CGIDEMP3".utf8)
    /// The magic, the sealed length (a little-endian `UInt64`, the header included) and the first
    /// 8 bytes of the SHA-256 of those 16.
    static let headerLength = 24

    /// The header of a file whose first `length` bytes (the header and the rewrite's batches)
    /// a rewrite wrote and synced: a broken batch among them is damage, not a torn write.
    static func header(sealing length: Int) -> [UInt8] {
        var bytes = sealingMagic
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: UInt64(length) >> UInt64(shift))) }
        bytes += SHA256.hash(bytes).prefix(8)
        return bytes
    }

    /// Records waiting to be written, and the requests waiting for them.
    struct Pending {
        var bytes: [UInt8] = []
        /// Sequence number of the last record queued.
        var queued: UInt64 = 0
        var waiters: [(sequence: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
        var scheduled = false
        /// Set once the file can no longer be trusted to take appends (a failed write could not be undone).
        var broken: IdempotencyJournalError?
        var closed = false
        /// Every record up to this one was written, or failed to be.
        var processed: UInt64 = 0
        /// The records whose write failed, in ranges (consecutive failures make one): a request
        /// that asks after its batch was processed must still be told. The newest
        /// `keptFailures` ranges are kept; a record at or before `forgottenThrough` that none of
        /// them names is told its write failed, as it may have.
        var failures: [(sequences: ClosedRange<UInt64>, error: IdempotencyJournalError)] = []
        var forgottenThrough: UInt64 = 0

        /// Failure ranges kept while a disk keeps refusing writes between ones it takes: a
        /// request asks right after it queues its record, so older ones are not asked about.
        static let keptFailures = 1024

        /// The failure of the record numbered `sequence`; for one at or before
        /// `forgottenThrough` not in a kept range, a failure even if it was written: callers
        /// must take "failed" as "not known to be written".
        func failure(of sequence: UInt64) -> IdempotencyJournalError? {
            if let kept = failures.last(where: { $0.sequences.contains(sequence) }) { return kept.error }
            guard sequence <= forgottenThrough else { return nil }
            return failures.first?.error
        }

        mutating func noteFailure(_ sequences: ClosedRange<UInt64>, _ error: IdempotencyJournalError) {
            failures.append((sequences, error))
            guard failures.count > Self.keptFailures else { return }
            let dropped = failures.count - Self.keptFailures / 2
            forgottenThrough = failures[dropped - 1].sequences.upperBound
            failures.removeFirst(dropped)
        }
    }

    /// Where the queue stood when a snapshot of the store was taken: the records queued so far
    /// are in the snapshot, and their bytes are the first `byteCount` of those pending.
    struct PendingMark {
        var sequence: UInt64
        var byteCount: Int
    }

    private struct File {
        var descriptor: Int32
        var size: Int
        var sizeAtRewrite: Int
    }

    /// Opens (creating it, mode 0600) and locks the journal at `path`, reads it back, and rewrites
    /// it with the records still live at `now` (milliseconds since 1970) for outcomes kept
    /// `lifetime`, each tenant's newest `capacity`. Errors name what to do: a file another
    /// process holds, one that is not a journal, one damaged where whole batches follow.
    public static func open(path: String, lifetime: Duration, capacity: Int = 10_000, now: Int64 = IdempotencyJournal.wallClock(),
                            rewriteThreshold: Int = 4 << 20, log: LogSink? = nil) throws(IdempotencyJournalError) -> IdempotencyJournal {
        let target = try resolvedTarget(path)
        let descriptor = try openLocked(target, path: path)
        var keep = false
        defer { if !keep { Glibc.close(descriptor) } }
        let (read, tornAt) = try contents(try readAll(descriptor, path: path), path: path)
        if let tornAt {
            Self.report("idempotency_journal_torn_write", IdempotencyJournalError(
                path: path, problem: "its last write, from byte \(tornAt), was left broken by a crash before it was"
                    + " synced (so never acknowledged) and is dropped"),
                   to: log, level: .warn)
        }
        let records = live(read, now: now, lifetime: lifetime, capacity: max(1, capacity))
        let opened: (descriptor: Int32, size: Int)
        do {
            opened = try rewrite(records, path: path, target: target, log: log)
            Glibc.close(descriptor)
        } catch {
            // A rewrite needs room for a whole copy, which a full disk does not have: the file
            // is kept, without its broken last write (cutting it back takes no room), and takes
            // the appends. A restart must not stop a gateway that could go on.
            let size = try keptAsItIs(descriptor, cutAt: tornAt, path: path)
            report("idempotency_journal_rewrite_failed", error, to: log, level: .warn)
            opened = (descriptor, size)
        }
        keep = true
        return IdempotencyJournal(path: path, target: target, descriptor: opened.descriptor, size: opened.size, restored: records,
                                  rewriteThreshold: rewriteThreshold, log: log)
    }

    private init(path: String, target: String, descriptor: Int32, size: Int, restored: [IdempotencyJournalRecord], rewriteThreshold: Int, log: LogSink?) {
        self.path = path
        self.target = target
        self.restored = Mutex(restored)
        restoredCount = restored.count
        self.rewriteThreshold = rewriteThreshold
        self.log = log
        file = Mutex(File(descriptor: descriptor, size: size, sizeAtRewrite: size))
        pending = Mutex(Pending())
    }

    deinit {
        let descriptor = file.withLock { $0.descriptor }
        if descriptor >= 0 { Glibc.close(descriptor) }
    }

    /// Milliseconds since 1970, the clock records are dated by.
    public static func wallClock() -> Int64 {
        Timestamp.wallClock().millisecondsSinceEpoch
    }

    /// The live records found at opening, for the store to restore; empty after the first call.
    func takeRestored() -> [IdempotencyJournalRecord] {
        restored.withLock { records in
            defer { records = [] }
            return records
        }
    }

    /// What replaying `records` in order leaves, without what expired by `now`, at most
    /// `capacity` a tenant (`IdempotencyJournalRecord.kept`): a key's last claim or outcome, none
    /// when it was freed last. A claim without an outcome (the process ended while its request
    /// ran) becomes its own recorded answer, kept as an outcome stored now: after all the others,
    /// so room is made from theirs.
    /// A claim that recorded no answer (a request that does no harm run again, as a mark-read)
    /// frees its key instead.
    static func live(_ records: [IdempotencyJournalRecord], now: Int64, lifetime: Duration,
                     capacity: Int = .max) -> [IdempotencyJournalRecord] {
        struct Slot: Hashable { var tenant: String, key: String }
        var latest: [Slot: (order: Int, record: IdempotencyJournalRecord)] = [:]
        for (order, record) in records.enumerated() {
            let slot = Slot(tenant: record.tenant, key: record.key)
            if record.kind == .abandoned {
                latest[slot] = nil
            } else {
                latest[slot] = (order, record)
            }
        }
        let lifetimeMilliseconds = Int64(lifetime.roundedUp(to: .milliseconds(1)))
        let ordered = latest.values.sorted { $0.order < $1.order }.map(\.record)
        // A claim's outcome became known (as unknown) when the process ended: kept a lifetime
        // from now, as an outcome stored then would be (in memory a claim never expires).
        var live = ordered.filter { $0.kind != .began && $0.time + lifetimeMilliseconds > now }
        live += ordered.filter { $0.kind == .began && $0.response != nil }.map { claim in
            var record = claim
            record.kind = .completed
            record.time = now
            return record
        }
        return IdempotencyJournalRecord.kept(live, capacity: capacity)
    }

    /// Gives the journal the store's live records when it rewrites the file: `take` returns them
    /// with `mark()` taken under the store's lock at the moment they were, or nil when there is
    /// no store any more (the file is then left as it is). One store per journal.
    func attach(_ take: @escaping @Sendable () -> (records: [IdempotencyJournalRecord], mark: PendingMark)?) {
        snapshot.withLock { current in
            precondition(current == nil, "one store per idempotency journal")
            current = take
        }
    }

    /// Calls `observer` (off the loops) each time a batch of records could not be written: for a metric.
    public func observeFailures(_ observer: @escaping @Sendable () -> Void) {
        failureObserver.withLock { $0 = observer }
    }

    /// Where the queue stands now (call under the store's lock, with the snapshot it goes with).
    func mark() -> PendingMark {
        pending.withLock { PendingMark(sequence: $0.queued, byteCount: $0.bytes.count) }
    }

    /// The number a record appended after `close` gets: beyond any the writer reaches.
    static let unwritten = UInt64.max

    /// Queues `record` (call under the store's lock, so records go out in the store's order);
    /// returns its sequence number, for `waitUntilWritten`. Never blocks on the disk.
    @discardableResult
    func append(_ record: IdempotencyJournalRecord) -> UInt64 {
        let (sequence, schedule) = pending.withLock { pending -> (UInt64, Bool) in
            // Once closed nothing is written, and the record takes no number the writer could
            // count as written: its waiter is told the journal was closed.
            guard !pending.closed else { return (Self.unwritten, false) }
            pending.queued += 1
            record.frame(into: &pending.bytes)
            guard !pending.scheduled else { return (pending.queued, false) }
            pending.scheduled = true
            return (pending.queued, true)
        }
        if schedule { queue.async { [self] in writeOut() } }
        return sequence
    }

    /// Returns once the record numbered `sequence`, and every one before it, is on disk; throws
    /// when its write failed.
    func waitUntilWritten(_ sequence: UInt64) async throws(IdempotencyJournalError) {
        do {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let now: Result<Void, IdempotencyJournalError>? = pending.withLock { pending in
                    if sequence <= pending.processed { return pending.failure(of: sequence).map { .failure($0) } ?? .success(()) }
                    if let broken = pending.broken { return .failure(broken) }
                    if pending.closed {
                        return .failure(IdempotencyJournalError(path: path, problem: "the journal was closed before the record was written"))
                    }
                    pending.waiters.append((sequence, continuation))
                    return nil
                }
                if let now { continuation.resume(with: now) }
            }
        } catch let error as IdempotencyJournalError {
            throw error
        } catch {
            throw IdempotencyJournalError(path: path, problem: "\(error)")
        }
    }

    /// Writes what is queued and closes the file (at shutdown); later appends are not written.
    public func close() {
        // Closed first: a record queued from now on is not written (its waiter is told), and
        // what was queued before goes out below.
        pending.withLock { $0.closed = true }
        queue.sync {
            writeOut()
            let waiters = pending.withLock { pending in
                defer { pending.waiters = [] }
                return pending.waiters
            }
            let error = IdempotencyJournalError(path: path, problem: "the journal was closed before the record was written")
            for waiter in waiters { waiter.continuation.resume(throwing: error) }
            file.withLock { file in
                if file.descriptor >= 0 { Glibc.close(file.descriptor) }
                file.descriptor = -1
            }
        }
    }

    /// Holds the writer (tests: a disk slow to sync), until `resumeWritesForTesting`.
    func suspendWritesForTesting() { queue.suspend() }

    /// Lets the writer go on after `suspendWritesForTesting`.
    func resumeWritesForTesting() { queue.resume() }

    /// Requests waiting for their records to reach the disk (`waitUntilWritten`): for tests that
    /// must know a request has come to wait for the disk before they check it is not answered,
    /// instead of sleeping and hoping it has.
    var waitingForDiskForTesting: Int { pending.withLock { $0.waiters.count } }

    /// Whether the record numbered `sequence` is known to have failed its write (a kept failure
    /// range names it). A record the journal no longer knows about is taken as written: a rewrite
    /// that keeps a claim too many answers its key "outcome unknown", one that drops a claim on
    /// disk lets a retry write twice.
    func knownToHaveFailed(_ sequence: UInt64) -> Bool {
        pending.withLock { pending in
            sequence <= pending.processed && pending.failures.contains { $0.sequences.contains(sequence) }
        }
    }

    /// Whether a failed write could not be cut back off the file: every later write then fails
    /// until a restart, and the record that failed may be read back then.
    var isBroken: Bool { pending.withLock { $0.broken != nil } }

    /// Whether `close` has begun: for tests that append while it waits for the writer.
    var isClosedForTesting: Bool { pending.withLock { $0.closed } }

    /// Makes the journal write to `descriptor` from now on (tests: one that refuses writes);
    /// returns the one it wrote to, which the caller now owns.
    @discardableResult
    func replaceDescriptorForTesting(_ descriptor: Int32) -> Int32 {
        queue.sync { file.withLock { file in
            defer { file.descriptor = descriptor }
            return file.descriptor
        } }
    }

    /// The journal's size on disk now.
    var size: Int { queue.sync { file.withLock { $0.size } } }

    // MARK: - The writer (on `queue`)

    private func writeOut() {
        while true {
            let (bytes, sequence, broken) = pending.withLock { pending -> ([UInt8], UInt64, IdempotencyJournalError?) in
                let taken = pending.bytes
                pending.bytes = []
                if taken.isEmpty { pending.scheduled = false }
                return (taken, pending.queued, pending.broken)
            }
            if bytes.isEmpty { return }
            if let broken {
                finish(upTo: sequence, with: broken)
                continue
            }
            var batch: [UInt8] = []
            batch.reserveCapacity(bytes.count + IdempotencyJournalBatch.overhead)
            // One batch however large: a write cut by a crash must read as one broken batch at
            // the end (dropped), not as a broken one with a whole one after it (damage).
            IdempotencyJournalBatch.frame(bytes, into: &batch, batchContent: .max)
            let result = appendToFile(batch)
            finish(upTo: sequence, with: result)
            if result == nil { rewriteIfGrown() }
        }
    }

    /// Writes and syncs `bytes` at the file's end; on failure cuts the file back to where it was,
    /// and if even that fails, marks the journal broken.
    private func appendToFile(_ batch: [UInt8]) -> IdempotencyJournalError? {
        file.withLock { file -> IdempotencyJournalError? in
            guard file.descriptor >= 0 else { return IdempotencyJournalError(path: path, problem: "the journal is closed") }
            // A journal kept empty (its start-up rewrite failed, a full disk) gets its header
            // with its first write.
            let bytes = file.size == 0 ? Self.header(sealing: Self.headerLength) + batch : batch
            var failure: IdempotencyJournalError?
            if let error = Self.writeAll(bytes, to: file.descriptor, at: file.size, path: path) {
                failure = error
            } else if fdatasync(file.descriptor) != 0 {
                failure = .system("cannot sync it", path: path, code: errno)
            }
            guard let failure else {
                file.size += bytes.count
                return nil
            }
            Self.report("idempotency_journal_write_failed", failure, to: log, level: .error)
            failureObserver.withLock { $0 }?()
            if ftruncate(file.descriptor, off_t(file.size)) != 0 {
                let broken = IdempotencyJournalError.system("a failed write could not be undone; restart the gateway", path: path, code: errno)
                pending.withLock { $0.broken = broken }
            }
            return failure
        }
    }

    /// Resumes the requests waiting for records up to `sequence`.
    private func finish(upTo sequence: UInt64, with failure: IdempotencyJournalError?) {
        let ready = pending.withLock { pending -> [CheckedContinuation<Void, any Error>] in
            if let failure, sequence > pending.processed {
                if let last = pending.failures.last, last.sequences.upperBound == pending.processed {
                    pending.failures[pending.failures.count - 1] = (last.sequences.lowerBound...sequence, failure)
                } else {
                    pending.noteFailure(pending.processed + 1...sequence, failure)
                }
            }
            pending.processed = max(pending.processed, sequence)
            var ready: [CheckedContinuation<Void, any Error>] = []
            pending.waiters.removeAll { waiter in
                guard waiter.sequence <= sequence else { return false }
                ready.append(waiter.continuation)
                return true
            }
            return ready
        }
        for continuation in ready {
            if let failure { continuation.resume(throwing: failure) } else { continuation.resume() }
        }
    }

    /// Rewrites the file from the store's live records once it has doubled since the last time
    /// (and passed the threshold). The records queued before the snapshot are in it, so their
    /// bytes are dropped; those queued after it follow in the new file.
    private func rewriteIfGrown() {
        let due = file.withLock { $0.size >= max(rewriteThreshold, 2 * $0.sizeAtRewrite) }
        guard due, let take = snapshot.withLock({ $0 }), let (records, mark) = take() else { return }
        do {
            try file.withLock { file throws(IdempotencyJournalError) in
                let rewritten = try Self.rewrite(records, path: path, target: target, log: log)
                Glibc.close(file.descriptor)
                file = File(descriptor: rewritten.descriptor, size: rewritten.size, sizeAtRewrite: rewritten.size)
            }
            pending.withLock { pending in
                pending.bytes.removeFirst(min(mark.byteCount, pending.bytes.count))
            }
            finish(upTo: mark.sequence, with: nil)
        } catch {
            // The old file stays, and takes the appends as before.
            Self.report("idempotency_journal_rewrite_failed", error, to: log, level: .warn)
            file.withLock { $0.sizeAtRewrite = $0.size }
        }
    }

    static func report(_ event: String, _ error: IdempotencyJournalError, to log: LogSink?, level: LogSink.Level) {
        guard let log else { return }
        var line = JSONObjectWriter(capacity: 256)
        line.timestamp("time", Timestamp.wallClock())
        line.string("event", event)
        line.string("path", error.path)
        line.string("error", error.problem)
        log.write(String(decoding: line.finish(), as: UTF8.self), level: level, essential: true)
    }
}

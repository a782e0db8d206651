import Foundation
@testable import Gateway
import Glibc
import HTTP
import Testing

@Suite("Idempotency journal")
struct IdempotencyJournalTests {
    static let print: [UInt8] = Array(repeating: 7, count: 32)
    static let reply = HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: Array(#"{"id":"r-1","status":"answered"}"#.utf8))
    static let fallback = HTTPResponse(status: HTTPStatus(500), headers: ["Content-Type": "application/problem+json"],
                                       body: Array(#"{"code":"internal_error"}"#.utf8))

    /// A store over the journal at `path`, opened afresh as a restarted gateway opens it.
    static func reopen(_ path: String, lifetime: Duration = .seconds(3600), wallClock: Int64 = IdempotencyJournal.wallClock(),
                       rewriteThreshold: Int = 4 << 20) throws -> IdempotencyStore {
        let journal = try IdempotencyJournal.open(path: path, lifetime: lifetime, now: wallClock, rewriteThreshold: rewriteThreshold)
        return IdempotencyStore(lifetime: lifetime, journal: journal, wallClock: wallClock)
    }

    /// `records` framed as one batch, as one write of the journal puts them.
    static func batch(_ records: [IdempotencyJournalRecord]) -> [UInt8] {
        var content: [UInt8] = []
        for record in records { record.frame(into: &content) }
        var bytes: [UInt8] = []
        IdempotencyJournalBatch.frame(content, into: &bytes)
        return bytes
    }

    /// A journal file as a rewrite leaves it (`sealed`, the rewrite's batches, under a header
    /// that seals them) with `appended` batches after it.
    static func file(sealed: [UInt8], appended: [UInt8] = []) -> [UInt8] {
        IdempotencyJournal.header(sealing: IdempotencyJournal.headerLength + sealed.count) + sealed + appended
    }

    /// Claims `key` in `store` and stores `reply` as its outcome, as a keyed request that succeeded does.
    /// A memory file of `size` bytes sealed against growth: a write past its end fails (EPERM)
    /// while cutting it back to its size succeeds, as on a full disk. `memfd_create` and the seal
    /// constants (`F_ADD_SEALS`, `F_SEAL_GROW`, linux/fcntl.h) are not in Swift's Glibc module.
    static func descriptorThatCannotGrow(size: Int) throws -> Int32 {
        typealias MemfdCreate = @convention(c) (UnsafePointer<CChar>, UInt32) -> Int32
        let symbol = try #require(dlsym(UnsafeMutableRawPointer(bitPattern: 0), "memfd_create"))
        let descriptor = unsafeBitCast(symbol, to: MemfdCreate.self)("journal-full", 0x0002)  // MFD_ALLOW_SEALING
        try #require(descriptor >= 0)
        try #require(ftruncate(descriptor, off_t(size)) == 0)
        try #require(fcntl(descriptor, 1024 + 9, Int32(0x0004)) == 0)  // F_ADD_SEALS, F_SEAL_GROW
        return descriptor
    }

    static func storeOutcome(_ key: String, tenant: String = "a", in store: IdempotencyStore) throws {
        _ = try store.begin(tenant: tenant, key: key, fingerprint: print, fallback: fallback)
        store.complete(tenant: tenant, key: key, response: reply)
    }

    static func outcome(_ key: String, tenant: String = "a") -> IdempotencyJournalRecord {
        IdempotencyJournalRecord(kind: .completed, tenant: tenant, key: key, fingerprint: print, time: IdempotencyJournal.wallClock(), response: reply)
    }

    @Test("records come back from their batches as they went in, with and without a response; a last batch broken anyhow reads as torn, an earlier one as damage")
    func batches() {
        let records = [
            IdempotencyJournalRecord(kind: .began, tenant: "acme", key: "reply-42", fingerprint: Self.print, time: 1_764_000_000_123, response: Self.fallback),
            IdempotencyJournalRecord(kind: .completed, tenant: "acme", key: "ключ ✓", fingerprint: Self.print, time: 1_764_000_000_456, response: Self.reply),
            IdempotencyJournalRecord(kind: .abandoned, tenant: "beta", key: "k", fingerprint: [], time: -5, response: nil),
        ]
        let first = Self.batch([records[0]]), second = Self.batch(Array(records[1...]))
        let bytes = first + second
        let scan = IdempotencyJournalBatch.records(in: bytes)
        #expect(scan.end == .whole)
        #expect(scan.records == records)
        // The last batch cut anywhere, or with a byte changed, is the write a crash broke.
        for cut in [1, 4, 20, second.count - 1] {
            let torn = IdempotencyJournalBatch.records(in: Array(bytes.prefix(first.count + cut)))
            #expect(torn.records == [records[0]])
            #expect(torn.end == .torn(at: first.count))
        }
        var flipped = bytes
        flipped[first.count + second.count - 3] ^= 0x40
        #expect(IdempotencyJournalBatch.records(in: flipped).end == .torn(at: first.count))
        // Many records make several batches, cut between records; a record larger than a batch goes alone.
        var content: [UInt8] = []
        let many = (0..<10).map { Self.outcome("k\($0)") } + [records[0]]
        for record in many { record.frame(into: &content) }
        var split: [UInt8] = []
        IdempotencyJournalBatch.frame(content, into: &split, batchContent: 400)
        #expect(split.count > content.count + 3 * IdempotencyJournalBatch.overhead, "several batches")
        let read = IdempotencyJournalBatch.records(in: split)
        #expect(read.end == .whole)
        #expect(read.records == many)
        // With a whole batch after it, a changed byte is damage.
        flipped = bytes + Self.batch([Self.outcome("after")])
        flipped[first.count + 30] ^= 0x40
        #expect(IdempotencyJournalBatch.records(in: flipped).end == .damaged(at: first.count))
    }

    @Test("given a stored outcome, when the gateway restarts on its journal, then a repeat replays it and another request under the key is a mismatch")
    func outcomeSurvivesRestart() async throws {
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        // given
        do {
            let store = try Self.reopen(folder.journal)
            guard case .proceed = try store.begin(tenant: "acme", key: "reply-42", fingerprint: Self.print, fallback: Self.fallback) else {
                Issue.record("a new key runs"); return
            }
            try await store.persisted(tenant: "acme", key: "reply-42")
            store.complete(tenant: "acme", key: "reply-42", response: Self.reply)
            try await store.persisted(tenant: "acme", key: "reply-42")
            store.journal?.close()
        }
        // when
        let store = try Self.reopen(folder.journal)
        // then
        guard case .replay(let response) = try store.begin(tenant: "acme", key: "reply-42", fingerprint: Self.print) else {
            Issue.record("the outcome is replayed after the restart"); return
        }
        #expect(response.status == .ok)
        #expect(response.body == Self.reply.body)
        #expect(throws: GatewayError.idempotencyMismatch) {
            try store.begin(tenant: "acme", key: "reply-42", fingerprint: [1, 2, 3])
        }
        // Another tenant's key of the same name is its own.
        guard case .proceed = try store.begin(tenant: "beta", key: "reply-42", fingerprint: Self.print) else {
            Issue.record("keys are per tenant"); return
        }
    }

    @Test("given a request that was running when the process ended, when the gateway restarts, then a repeat gets the claim's recorded answer and nothing runs again")
    func claimWithoutOutcome() async throws {
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        // given: the claim is on disk; the process ends before the outcome.
        do {
            let store = try Self.reopen(folder.journal)
            _ = try store.begin(tenant: "acme", key: "reply-7", fingerprint: Self.print, fallback: Self.fallback)
            try await store.persisted(tenant: "acme", key: "reply-7")
            store.journal?.close()
        }
        // when
        let store = try Self.reopen(folder.journal)
        // then
        guard case .replay(let response) = try store.begin(tenant: "acme", key: "reply-7", fingerprint: Self.print) else {
            Issue.record("the unknown outcome is replayed, not run again"); return
        }
        #expect(response.status.code == 500)
        #expect(response.body == Self.fallback.body)
    }

    @Test("given a claim in flight while more outcomes than the capacity were stored after it, when the process ends and restarts, then the claim is still kept, its room made from the others")
    func claimOutlivesNewerOutcomes() async throws {
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        do {
            let journal = try IdempotencyJournal.open(path: folder.journal, lifetime: .seconds(3600), capacity: 2)
            let store = IdempotencyStore(lifetime: .seconds(3600), capacity: 2, journal: journal)
            _ = try store.begin(tenant: "acme", key: "in-flight", fingerprint: Self.print, fallback: Self.fallback)
            for key in ["b", "c", "d"] {
                try Self.storeOutcome(key, tenant: "acme", in: store)
            }
            try await store.persisted(tenant: "acme", key: "d")
            journal.close()
        }
        let journal = try IdempotencyJournal.open(path: folder.journal, lifetime: .seconds(3600), capacity: 2)
        let store = IdempotencyStore(lifetime: .seconds(3600), capacity: 2, journal: journal)
        guard case .replay(let response) = try store.begin(tenant: "acme", key: "in-flight", fingerprint: Self.print) else {
            Issue.record("the claim whose outcome is unknown is kept, not run again"); return
        }
        #expect(response.status.code == 500)
        guard case .replay = try store.begin(tenant: "acme", key: "d", fingerprint: Self.print) else { Issue.record("the newest outcome is kept"); return }
    }

    @Test("given a key freed after a failure and a kept outcome, when the gateway restarts within the outcome's lifetime, then the freed key runs and the outcome replays; past it, both run",
          arguments: [Int64(30_000), 120_000])
    func freedAndExpiredKeys(restartAfter milliseconds: Int64) async throws {
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        let start = IdempotencyJournal.wallClock()
        do {
            let store = try Self.reopen(folder.journal, lifetime: .seconds(60), wallClock: start)
            _ = try store.begin(tenant: "acme", key: "failed", fingerprint: Self.print, fallback: Self.fallback)
            store.abandon(tenant: "acme", key: "failed")
            try Self.storeOutcome("kept", tenant: "acme", in: store)
            try await store.persisted(tenant: "acme", key: "kept")
            store.journal?.close()
        }
        // when: restarted that much later by the wall clock, with a minute's lifetime
        let store = try Self.reopen(folder.journal, lifetime: .seconds(60), wallClock: start + milliseconds)
        let expired = milliseconds > 60_000
        #expect(store.count == (expired ? 0 : 1))
        guard case .proceed = try store.begin(tenant: "acme", key: "failed", fingerprint: Self.print) else {
            Issue.record("a freed key runs again"); return
        }
        switch try store.begin(tenant: "acme", key: "kept", fingerprint: Self.print) {
        case .proceed: #expect(expired, "a kept outcome is replayed within its lifetime")
        case .replay: #expect(!expired, "an expired outcome runs again")
        }
    }

    @Test("a journal another process holds, a file that is not a journal, and one damaged before its end are refused, each saying what to do")
    func refusals() throws {
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        let held = try IdempotencyJournal.open(path: folder.journal, lifetime: .seconds(60))
        let second = #expect(throws: IdempotencyJournalError.self) {
            _ = try IdempotencyJournal.open(path: folder.journal, lifetime: .seconds(60))
        }
        #expect(second?.problem.contains("another process") == true)
        held.close()

        let other = folder.path + "/config.json"
        _ = FileManager.default.createFile(atPath: other, contents: Data(#"{"tenants":[]}"#.utf8))
        let notJournal = #expect(throws: IdempotencyJournalError.self) {
            _ = try IdempotencyJournal.open(path: other, lifetime: .seconds(60))
        }
        #expect(notJournal?.problem.contains("not an idempotency journal") == true)
        #expect(try String(contentsOfFile: other, encoding: .utf8) == #"{"tenants":[]}"#, "a file that is not a journal is left as it was")

        let damaged = folder.path + "/damaged.journal"
        let middle = Self.batch([Self.outcome("k2")])
        var bytes = Self.file(sealed: Self.batch([Self.outcome("k1")]))
        let second2 = bytes.count
        bytes += middle + Self.batch([Self.outcome("k3")])
        // A flipped bit in the middle batch, with a whole one after it: damage, not a crash.
        bytes[second2 + 40] ^= 1
        _ = FileManager.default.createFile(atPath: damaged, contents: Data(bytes))
        let error = #expect(throws: IdempotencyJournalError.self) {
            _ = try IdempotencyJournal.open(path: damaged, lifetime: .seconds(60))
        }
        #expect(error?.problem.contains("batch at byte \(second2) is damaged") == true, "\(String(describing: error))")

        let missingFolder = #expect(throws: IdempotencyJournalError.self) {
            _ = try IdempotencyJournal.open(path: folder.path + "/no/such/folder/journal", lifetime: .seconds(60))
        }
        #expect(missingFolder?.errorNumber == ENOENT)
    }

    /// How the last batch can look after a crash: cut short (the process died mid-write), or
    /// whole in length but zeros, or with a page of it not written and whole records after the
    /// hole (the machine stopped before its sync).
    enum Tail: String, CaseIterable, Sendable {
        case cutShort, zeros, pageMissing
    }

    @Test("given a journal whose last batch a crash left broken, when it is opened, then the whole batches before it are kept and the broken one dropped",
          arguments: Tail.allCases)
    func tornTail(_ tail: Tail) throws {
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        var bytes = Self.file(sealed: Self.batch([Self.outcome("whole")]))
        // Twelve outcomes of ~1.3 KiB each (a list-sized answer), so the write spans 4 pages.
        let large = HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: Array(repeating: UInt8(ascii: "x"), count: 1_300))
        let torn = Self.batch((0..<12).map { index in
            var record = Self.outcome(index == 0 ? "torn" : "torn-\(index)")
            record.response = large
            return record
        })
        switch tail {
        case .cutShort: bytes += torn.prefix(torn.count / 4)
        case .zeros: bytes += [UInt8](repeating: 0, count: torn.count)
        case .pageMissing:
            // Its first 4 KiB page reached the disk, the second did not, the rest did: whole
            // records follow the hole, inside the batch that was never synced.
            precondition(torn.count > 3 * 4096)
            bytes += torn.prefix(4096) + [UInt8](repeating: 0, count: 4096) + torn.dropFirst(8192)
        }
        _ = FileManager.default.createFile(atPath: folder.journal, contents: Data(bytes))
        let store = try Self.reopen(folder.journal)
        #expect(store.count == 1)
        guard case .replay = try store.begin(tenant: "a", key: "whole", fingerprint: Self.print) else { Issue.record("whole"); return }
        guard case .proceed = try store.begin(tenant: "a", key: "torn", fingerprint: Self.print) else { Issue.record("torn"); return }
    }

    @Test("given many keyed requests, when the journal passes twice its size at the last rewrite, then it is rewritten with only the live keys, and a restart still has them")
    func rewriteOnGrowth() async throws {
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        do {
            let store = try Self.reopen(folder.journal, rewriteThreshold: 16 << 10)
            for index in 0..<400 {
                let key = "k\(index)"
                _ = try store.begin(tenant: "acme", key: key, fingerprint: Self.print, fallback: Self.fallback)
                try await store.persisted(tenant: "acme", key: key)
                if index % 4 == 0 {
                    store.complete(tenant: "acme", key: key, response: Self.reply)
                } else {
                    store.abandon(tenant: "acme", key: key)
                }
            }
            try Self.storeOutcome("last", tenant: "acme", in: store)
            try await store.persisted(tenant: "acme", key: "last")
            let size = try #require(store.journal?.size)
            // 101 live outcomes of ~190 bytes; without rewrites 400 claims and 400 outcomes or frees.
            var one: [UInt8] = []
            IdempotencyJournalRecord(kind: .completed, tenant: "acme", key: "k100", fingerprint: Self.print, time: 0,
                                     response: Self.reply).frame(into: &one)
            #expect(size < 2 * max(16 << 10, 101 * one.count) + 4 * one.count, "size \(size)")
            store.journal?.close()
        }
        let store = try Self.reopen(folder.journal)
        #expect(store.count == 101)
        guard case .replay = try store.begin(tenant: "acme", key: "k0", fingerprint: Self.print) else { Issue.record("k0"); return }
        guard case .replay = try store.begin(tenant: "acme", key: "k396", fingerprint: Self.print) else { Issue.record("k396"); return }
        guard case .proceed = try store.begin(tenant: "acme", key: "k397", fingerprint: Self.print) else { Issue.record("k397"); return }
    }

    @Test("given a claim that frees its key if cut short (a mark-read), when the process ends while it runs, then after a restart the key runs again; a reply's claim still replays its answer")
    func harmlessClaimFreedAtRestart() async throws {
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        do {
            let store = try Self.reopen(folder.journal)
            _ = try store.begin(tenant: "a", key: "read-1", fingerprint: Self.print, fallback: Self.fallback, freedIfCutShort: true)
            _ = try store.begin(tenant: "a", key: "reply-1", fingerprint: Self.print, fallback: Self.fallback)
            try await store.persisted(tenant: "a", key: "reply-1")
            // in flight: a repeat meanwhile is a conflict, as for any claim
            #expect(throws: GatewayError.idempotencyConflict) { try store.begin(tenant: "a", key: "read-1", fingerprint: Self.print) }
            store.journal?.close()
        }
        let store = try Self.reopen(folder.journal)
        guard case .proceed = try store.begin(tenant: "a", key: "read-1", fingerprint: Self.print) else { Issue.record("read-1 replayed"); return }
        guard case .replay(let answer) = try store.begin(tenant: "a", key: "reply-1", fingerprint: Self.print) else { Issue.record("reply-1"); return }
        #expect(answer.body == Self.fallback.body)
    }

    @Test("given failures between successes for longer than the kept ranges, then the ranges stay bounded, the newest are told exactly, and an older one is told it failed")
    func failureRangesBounded() {
        var pending = IdempotencyJournal.Pending()
        let error = IdempotencyJournalError(path: "j", problem: "no room")
        // given: every other record fails, each a range of its own
        for sequence in stride(from: UInt64(2), through: 4 * UInt64(IdempotencyJournal.Pending.keptFailures), by: 2) {
            pending.noteFailure(sequence...sequence, error)
        }
        // then
        #expect(pending.failures.count <= IdempotencyJournal.Pending.keptFailures)
        let newest = 4 * UInt64(IdempotencyJournal.Pending.keptFailures)
        #expect(pending.failure(of: newest) != nil)
        #expect(pending.failure(of: newest - 1) == nil, "a record written between two failures")
        #expect(pending.failure(of: 2) != nil, "a failure no longer kept is still a failure")
    }

    @Test("given a journal that failed many batches, when a request asks about its claim only afterwards, then it is still told its claim was not written")
    func failureRemembered() async throws {
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        let journal = try IdempotencyJournal.open(path: folder.journal, lifetime: .seconds(60))
        let readOnly = open(folder.journal, O_RDONLY | O_CLOEXEC)
        try #require(readOnly >= 0)
        journal.replaceDescriptorForTesting(readOnly)
        let record = IdempotencyJournalRecord(kind: .began, tenant: "a", key: "first", fingerprint: Self.print, time: 0, response: Self.fallback)
        let first = journal.append(record)
        // when: forty more batches fail before the first request asks
        for _ in 0..<40 {
            let sequence = journal.append(record)
            await #expect(throws: IdempotencyJournalError.self) { try await journal.waitUntilWritten(sequence) }
        }
        // then
        await #expect(throws: IdempotencyJournalError.self) { try await journal.waitUntilWritten(first) }
        journal.close()
    }

    /// An in-memory file of `size` zero bytes that refuses to grow (`memfd_create`, which Glibc's
    /// Swift module does not declare, and `F_SEAL_GROW`): writes past its end fail with EPERM,
    /// while cutting it back to its size succeeds.
    static func sealedAgainstGrowth(size: Int) throws -> Int32 {
        typealias MemfdCreate = @convention(c) (UnsafePointer<CChar>, UInt32) -> Int32
        let symbol = try #require(dlsym(nil, "memfd_create"))
        let (allowSealing, closeOnExec, addSeals, sealGrow): (UInt32, UInt32, Int32, Int32) = (2, 1, 1033, 4)
        let descriptor = unsafeBitCast(symbol, to: MemfdCreate.self)("journal", allowSealing | closeOnExec)
        try #require(descriptor >= 0)
        try #require(ftruncate(descriptor, off_t(size)) == 0)
        try #require(fcntl(descriptor, addSeals, sealGrow) == 0)
        return descriptor
    }

    @Test("given writes that fail between writes that succeed, when requests ask about their records afterwards, then each is told its own batch's fate, and only the written ones are read back")
    func failuresBetweenSuccesses() async throws {
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        let journal = try IdempotencyJournal.open(path: folder.journal, lifetime: .seconds(60))
        // given: files that take no byte past their end (sealed against growth) but can be cut
        // back to it, so a failed write is undone and the journal goes on
        var sequences: [UInt64] = []
        // when: four batches, the first and the third on a sealed file
        for index in 0..<4 {
            let sealed = index.isMultiple(of: 2) ? try Self.sealedAgainstGrowth(size: journal.size) : -1
            let real = sealed >= 0 ? journal.replaceDescriptorForTesting(sealed) : -1
            let sequence = journal.append(IdempotencyJournalRecord(kind: .completed, tenant: "a", key: "k\(index)", fingerprint: Self.print,
                                                                   time: IdempotencyJournal.wallClock(), response: Self.reply))
            sequences.append(sequence)
            try? await journal.waitUntilWritten(sequence)
            if sealed >= 0 { Glibc.close(journal.replaceDescriptorForTesting(real)) }
        }
        // then
        await #expect(throws: IdempotencyJournalError.self) { try await journal.waitUntilWritten(sequences[0]) }
        try await journal.waitUntilWritten(sequences[1])
        await #expect(throws: IdempotencyJournalError.self) { try await journal.waitUntilWritten(sequences[2]) }
        try await journal.waitUntilWritten(sequences[3])
        journal.close()
        let reopened = try IdempotencyJournal.open(path: folder.journal, lifetime: .seconds(60))
        #expect(reopened.restoredCount == 2)
        let store = IdempotencyStore(lifetime: .seconds(60), journal: reopened)
        for (key, kept) in [("k0", false), ("k1", true), ("k2", false), ("k3", true)] {
            let begun = try store.begin(tenant: "a", key: key, fingerprint: Self.print)
            if case .replay = begun { #expect(kept, "\(key) was never written") } else { #expect(!kept, "\(key) was written") }
        }
        reopened.close()
    }

    @Test("given keyed requests from many tasks at once while the journal is rewritten again and again, when it is reopened, then every outcome that was acknowledged is there")
    func concurrentRewrites() async throws {
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        let acknowledged: [String]
        do {
            let store = try Self.reopen(folder.journal, rewriteThreshold: 4 << 10)
            acknowledged = try await withThrowingTaskGroup(of: String?.self) { group in
                for index in 0..<300 {
                    group.addTask {
                        let key = "k\(index)"
                        _ = try store.begin(tenant: "t\(index % 3)", key: key, fingerprint: Self.print, fallback: Self.fallback)
                        try await store.persisted(tenant: "t\(index % 3)", key: key)
                        guard index % 5 != 0 else {
                            store.abandon(tenant: "t\(index % 3)", key: key)
                            return nil
                        }
                        store.complete(tenant: "t\(index % 3)", key: key, response: Self.reply)
                        try await store.persisted(tenant: "t\(index % 3)", key: key)
                        return key
                    }
                }
                var keys: [String] = []
                for try await key in group { if let key { keys.append(key) } }
                return keys
            }
            store.journal?.close()
        }
        let store = try Self.reopen(folder.journal)
        #expect(acknowledged.count == 240)
        #expect(store.count == 240)
        for key in acknowledged {
            let tenant = "t\(Int(key.dropFirst())! % 3)"
            guard case .replay(let response) = try store.begin(tenant: tenant, key: key, fingerprint: Self.print), response.status == .ok else {
                Issue.record("\(key) is replayed with its outcome"); return
            }
        }
    }

    @Test("given a journal path that is a symbolic link to a journal in another folder, when the gateway restarts on it, then the link is followed: the outcomes come back and the link still names the journal it pointed at")
    func symbolicLinkFollowed() async throws {
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        let volume = folder.path + "/volume"
        try FileManager.default.createDirectory(atPath: volume, withIntermediateDirectories: true)
        let real = volume + "/idempotency.journal"
        _ = FileManager.default.createFile(atPath: real, contents: Data())
        try FileManager.default.createSymbolicLink(atPath: folder.journal, withDestinationPath: real)
        do {
            let store = try Self.reopen(folder.journal)
            try Self.storeOutcome("k", tenant: "acme", in: store)
            try await store.persisted(tenant: "acme", key: "k")
            store.journal?.close()
        }
        let store = try Self.reopen(folder.journal)
        guard case .replay = try store.begin(tenant: "acme", key: "k", fingerprint: Self.print) else { Issue.record("replayed through the link"); return }
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder.journal) == real, "the link is left a link")
        #expect(IdempotencyJournalBatch.records(in: Array(try Data(contentsOf: URL(fileURLWithPath: real)).dropFirst(IdempotencyJournal.headerLength))).records.count == 1,
                "the outcome is in the file the link names")
        store.journal?.close()
    }

    @Test("given a symbolic link where the rewrite puts its new file (<journal>.tmp), when the gateway restarts, then the file it names is left alone and the journal is a file of its own, 0600")
    func temporaryLinkNotFollowed() async throws {
        // given
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        do {
            let store = try Self.reopen(folder.journal)
            try Self.storeOutcome("k", tenant: "acme", in: store)
            try await store.persisted(tenant: "acme", key: "k")
            store.journal?.close()
        }
        let elsewhere = folder.path + "/elsewhere.txt"
        try Data("precious".utf8).write(to: URL(fileURLWithPath: elsewhere))
        try #require(chmod(elsewhere, 0o644) == 0)
        try FileManager.default.createSymbolicLink(atPath: folder.journal + ".tmp", withDestinationPath: elsewhere)
        // when: the start-up rewrite
        let store = try Self.reopen(folder.journal)
        // then
        #expect(try String(contentsOfFile: elsewhere, encoding: .utf8) == "precious")
        #expect(try FileManager.default.attributesOfItem(atPath: folder.journal)[.type] as? FileAttributeType == .typeRegular)
        var status = stat()
        #expect(stat(folder.journal, &status) == 0 && status.st_mode & 0o777 == 0o600)
        guard case .replay = try store.begin(tenant: "acme", key: "k", fingerprint: Self.print) else { Issue.record("not replayed"); return }
        store.journal?.close()
    }

    @Test("given a claim whose write failed (cut back off the file), when the journal is rewritten before its request frees the key and the gateway then stops, then the restart finds the key free, as that request tells its client")
    func failedClaimLeftOutOfARewrite() async throws {
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        let store = try Self.reopen(folder.journal, rewriteThreshold: 1)
        let journal = try #require(store.journal)
        // given: a claim written to a descriptor that refuses to grow (a full disk) but can be
        // cut back, so the journal is not broken
        let full = try Self.descriptorThatCannotGrow(size: journal.size)
        let disk = journal.replaceDescriptorForTesting(full)
        guard case .proceed = try store.begin(tenant: "a", key: "failed", fingerprint: Self.print, fallback: Self.fallback) else {
            Issue.record("not admitted")
            return
        }
        await #expect(throws: IdempotencyJournalError.self) { try await store.persisted(tenant: "a", key: "failed") }
        #expect(!store.journalBroken)
        close(journal.replaceDescriptorForTesting(disk))
        // when: other outcomes are written until the journal is rewritten, the claim not yet freed
        // (a rewrite puts a new file in the old one's place)
        func inode() -> UInt {
            var status = stat()
            return stat(folder.journal, &status) == 0 ? UInt(status.st_ino) : 0
        }
        let before = inode()
        for index in 0..<16 where inode() == before {
            try Self.storeOutcome("other-\(index)", in: store)
            try await store.persisted(tenant: "a", key: "other-\(index)")
        }
        try #require(inode() != before, "no rewrite happened")
        journal.close()
        // then: the restart (before the freed key could be written) finds no claim under it
        let restarted = try Self.reopen(folder.journal)
        guard case .proceed = try restarted.begin(tenant: "a", key: "failed", fingerprint: Self.print, fallback: Self.fallback) else {
            Issue.record("the failed claim came back from the rewrite")
            return
        }
        guard case .replay = try restarted.begin(tenant: "a", key: "other-0", fingerprint: Self.print) else {
            Issue.record("an acknowledged outcome was lost")
            return
        }
        restarted.journal?.close()
    }

    @Test("a journal path naming a directory, a pipe or a link to nothing is refused, and left as it was", arguments: ["directory", "pipe", "dangling link"])
    func notARegularFile(kind: String) throws {
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        switch kind {
        case "directory": try FileManager.default.createDirectory(atPath: folder.journal, withIntermediateDirectories: false)
        case "pipe": try #require(mkfifo(folder.journal, 0o600) == 0)
        default: try FileManager.default.createSymbolicLink(atPath: folder.journal, withDestinationPath: folder.path + "/nothing")
        }
        let before = try FileManager.default.attributesOfItem(atPath: folder.journal)[.type] as? FileAttributeType
        let error = #expect(throws: IdempotencyJournalError.self) {
            _ = try IdempotencyJournal.open(path: folder.journal, lifetime: .seconds(60))
        }
        #expect(error?.problem.contains(kind == "dangling link" ? "symbolic link to nothing" : "not a regular file") == true, "\(String(describing: error))")
        #expect(IdempotencyJournal.problemOpening(folder.journal) != nil, "check-config says so too")
        #expect(try FileManager.default.attributesOfItem(atPath: folder.journal)[.type] as? FileAttributeType == before)
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/nothing"))
    }
}

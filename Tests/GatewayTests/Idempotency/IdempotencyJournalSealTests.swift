import Foundation
@testable import Gateway
import HTTP
import Synchronization
import Testing

@Suite("Idempotency journal: sealed rewrites, damage, and a disk too full to rewrite")
struct IdempotencyJournalSealTests {
    /// The journal tests' records, responses and helpers.
    typealias Journal = IdempotencyJournalTests

    @Test("given a journal just rewritten (one batch), when a byte of that batch is damaged, then opening and check-config refuse it: a rewrite is synced before it is in place, so no crash broke it")
    func damagedRewrite() throws {
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        // given: outcomes, then a restart, which rewrites them as one batch
        do {
            let store = try Journal.reopen(folder.journal)
            for index in 0..<20 {
                try Journal.storeOutcome("k\(index)", tenant: "a", in: store)
            }
            store.journal?.close()
        }
        try Journal.reopen(folder.journal).journal?.close()
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder.journal)))
        try #require(bytes.starts(with: IdempotencyJournal.sealingMagic))
        // when: one bit of the last (and only) batch flips
        bytes[bytes.count - 100] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: folder.journal))
        // then
        let error = #expect(throws: IdempotencyJournalError.self) { _ = try Journal.reopen(folder.journal) }
        #expect(error?.problem.contains("written by its last rewrite") == true, "\(String(describing: error))")
        #expect(IdempotencyJournal.problemOpening(folder.journal)?.contains("damaged") == true)
        // and one cut short of what the rewrite wrote is refused too
        try Data(bytes.prefix(bytes.count - 200)).write(to: URL(fileURLWithPath: folder.journal))
        let short = #expect(throws: IdempotencyJournalError.self) { _ = try Journal.reopen(folder.journal) }
        #expect(short?.problem.contains("shorter than its last rewrite") == true, "\(String(describing: short))")
    }

    @Test("given a journal of the format before sealed rewrites, when opened, then its outcomes come back, and it is rewritten sealed")
    func legacyJournal() throws {
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        let bytes = IdempotencyJournal.legacyHeader + Journal.batch([Journal.outcome("old-1")]) + Journal.batch([Journal.outcome("old-2")])
        _ = FileManager.default.createFile(atPath: folder.journal, contents: Data(bytes))
        let store = try Journal.reopen(folder.journal)
        #expect(store.count == 2)
        guard case .replay = try store.begin(tenant: "a", key: "old-2", fingerprint: Journal.print) else { Issue.record("old-2"); return }
        store.journal?.close()
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.journal)).starts(with: IdempotencyJournal.sealingMagic))
    }

    @Test("given a large journal damaged in its first appended batch, when opened, then it is refused as damaged, in about the time reading it takes",
          .timeLimit(.minutes(1)))
    func damageSearchIsLinear() throws {
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        // given: a batch of 2,500 outcomes (~500 KB, a store's worth written at once), damaged
        // near its start, and a whole batch after it
        var appended = Journal.batch((0..<2_500).map { Journal.outcome("k\($0)") })
        appended[30] ^= 1
        appended += Journal.batch([Journal.outcome("last")])
        let bytes = Journal.file(sealed: [], appended: appended)
        _ = FileManager.default.createFile(atPath: folder.journal, contents: Data(bytes))
        // then (it took minutes when every offset's plausible length was hashed and parsed)
        let error = #expect(throws: IdempotencyJournalError.self) { _ = try Journal.reopen(folder.journal) }
        #expect(error?.problem.contains("batch at byte \(IdempotencyJournal.headerLength) is damaged, with whole ones after it") == true,
                "\(String(describing: error))")
    }

    @Test("given a journal that cannot be rewritten at opening (no room for the copy), then it is kept as it is, its broken last write cut off, and takes appends")
    func keptWhenTheRewriteFails() async throws {
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        // given: a kept outcome and a torn last write; the rewrite's temporary file cannot be made
        let torn = Journal.batch([Journal.outcome("torn")])
        let bytes = Journal.file(sealed: Journal.batch([Journal.outcome("kept")]), appended: Array(torn.prefix(torn.count / 2)))
        _ = FileManager.default.createFile(atPath: folder.journal, contents: Data(bytes))
        try FileManager.default.createDirectory(atPath: folder.journal + ".tmp", withIntermediateDirectories: false)
        // when
        let store = try Journal.reopen(folder.journal)
        // then: the outcome is there, the torn write gone, and a new outcome goes on the end
        #expect(store.count == 1)
        guard case .replay = try store.begin(tenant: "a", key: "kept", fingerprint: Journal.print) else { Issue.record("kept"); return }
        #expect(store.journal?.size == bytes.count - torn.count / 2)
        try Journal.storeOutcome("new", tenant: "a", in: store)
        try await store.persisted(tenant: "a", key: "new")
        store.journal?.close()
        // and a restart that can rewrite it has both
        try FileManager.default.removeItem(atPath: folder.journal + ".tmp")
        let reopened = try Journal.reopen(folder.journal)
        #expect(reopened.count == 2)
        guard case .replay = try reopened.begin(tenant: "a", key: "new", fingerprint: Journal.print) else { Issue.record("new"); return }
    }

    @Test("given records queued together past a batch's usual 16 MiB, when written, then they go as one batch, so a crash that cuts the write leaves one broken batch at the end, dropped, not damage")
    func largeWriteIsOneBatch() async throws {
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        let journal = try IdempotencyJournal.open(path: folder.journal, lifetime: .seconds(60))
        let start = journal.size
        let body = [UInt8](repeating: UInt8(ascii: "x"), count: 6 << 20)
        // given: four records of 6 MiB queued while the writer is held
        journal.suspendWritesForTesting()
        var last: UInt64 = 0
        for key in ["big-1", "big-2", "big-3", "big-4"] {
            last = journal.append(IdempotencyJournalRecord(kind: .completed, tenant: "a", key: key, fingerprint: Journal.print, time: 0,
                                                           response: HTTPResponse(status: .ok, body: body)))
        }
        journal.resumeWritesForTesting()
        try await journal.waitUntilWritten(last)
        journal.close()
        // then: one batch from where the write began to the end of the file
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder.journal)))
        #expect(IdempotencyJournalBatch.length(in: bytes, at: start) + IdempotencyJournalBatch.overhead == bytes.count - start)
    }

    @Test("given an outcome whose entry another outcome pushes out before it is on disk, when its request waits for it, then the wait ends only once it is written")
    func persistedAfterEviction() async throws {
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        let journal = try IdempotencyJournal.open(path: folder.journal, lifetime: .seconds(3600))
        let store = IdempotencyStore(lifetime: .seconds(3600), capacity: 1, journal: journal)
        _ = try store.begin(tenant: "a", key: "first", fingerprint: Journal.print)
        _ = try store.begin(tenant: "a", key: "second", fingerprint: Journal.print)
        try await store.persisted(tenant: "a", key: "second")
        // given: both outcomes stored while the writer is held; the second pushes the first out
        journal.suspendWritesForTesting()
        store.complete(tenant: "a", key: "first", response: Journal.reply)
        store.complete(tenant: "a", key: "second", response: Journal.reply)
        #expect(store.count == 1)
        // when: the first request waits to answer
        let written = Atomic<Bool>(false)
        let wait = Task {
            try await store.persisted(tenant: "a", key: "first")
            written.store(true, ordering: .relaxed)
        }
        while journal.waitingForDiskForTesting < 1, !written.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(5)) }
        // then: it waits for the disk, and ends only once the writer goes on
        let early = written.load(ordering: .relaxed)
        #expect(!early, "answered before its outcome was on disk")
        journal.resumeWritesForTesting()
        try await wait.value
        let late = written.load(ordering: .relaxed)
        #expect(late)
        journal.close()
    }

    @Test("given a new journal that cannot be rewritten at opening (a full disk), then its first write gives it its header, and a restart reads it")
    func newJournalKeptWhenTheRewriteFails() async throws {
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        try FileManager.default.createDirectory(atPath: folder.journal + ".tmp", withIntermediateDirectories: false)
        do {
            let store = try Journal.reopen(folder.journal)
            #expect(store.journal?.size == 0)
            try Journal.storeOutcome("first", tenant: "a", in: store)
            try await store.persisted(tenant: "a", key: "first")
            store.journal?.close()
        }
        try FileManager.default.removeItem(atPath: folder.journal + ".tmp")
        let reopened = try Journal.reopen(folder.journal)
        guard case .replay = try reopened.begin(tenant: "a", key: "first", fingerprint: Journal.print) else { Issue.record("first"); return }
    }

    @Test("given a journal closing while its writer is busy, when a record is appended in that moment, then its wait is told the journal closed, not that it was written")
    func appendedWhileClosing() async throws {
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        let journal = try IdempotencyJournal.open(path: folder.journal, lifetime: .seconds(60))
        let first = journal.append(IdempotencyJournalRecord(kind: .completed, tenant: "a", key: "before", fingerprint: Journal.print, time: IdempotencyJournal.wallClock(),
                                                            response: Journal.reply))
        // given: the writer held, and close begun (it waits for the writer to flush what was queued)
        journal.suspendWritesForTesting()
        let closed = Atomic<Bool>(false)
        Thread.detachNewThread {
            journal.close()
            closed.store(true, ordering: .relaxed)
        }
        while !journal.isClosedForTesting { try await Task.sleep(for: .milliseconds(2)) }
        // when: a record comes in then, and the writer goes on
        let late = journal.append(IdempotencyJournalRecord(kind: .began, tenant: "a", key: "after", fingerprint: Journal.print, time: 0,
                                                           response: nil))
        journal.resumeWritesForTesting()
        while !closed.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(2)) }
        // then: the record queued before close is written; the late one is not, and says so
        try await journal.waitUntilWritten(first)
        let error = await #expect(throws: IdempotencyJournalError.self) { try await journal.waitUntilWritten(late) }
        #expect(error?.problem.contains("closed") == true, "\(String(describing: error))")
        let restored = try Journal.reopen(folder.journal)
        #expect(restored.count == 1)
        restored.journal?.close()
    }

    @Test("given an empty journal whose first write a crash cut short (part of its header, or zeros the disk never filled), when the gateway restarts, then the broken write is dropped and the journal works",
          arguments: [10, 23, -24, -4096])
    func tornFirstWrite(length: Int) async throws {
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        // given: a positive length keeps that much of the header a first write puts; a negative one, that many zeros
        let bytes = length > 0 ? Array(IdempotencyJournal.header(sealing: IdempotencyJournal.headerLength).prefix(length))
                               : [UInt8](repeating: 0, count: -length)
        try Data(bytes).write(to: URL(fileURLWithPath: folder.journal))
        // when
        let store = try Journal.reopen(folder.journal)
        // then: empty, and what it keeps from now on comes back
        #expect(store.count == 0)
        try Journal.storeOutcome("after", tenant: "a", in: store)
        store.journal?.close()
        let again = try Journal.reopen(folder.journal)
        #expect(again.count == 1)
        again.journal?.close()
    }
}

import Connectors
import Foundation
import Glibc
@testable import Gateway
import HTTP
import Synchronization
import Testing

@Suite("Gateway idempotent replies across restarts")
struct IdempotencyJournalReplyTests {
    static let path = IdempotencyTests.path

    static func journal(in folder: JournalFolder) throws -> IdempotencyJournal {
        try IdempotencyJournal.open(path: folder.journal, lifetime: .seconds(24 * 3600))
    }

    /// A keyed reply sent in a task of its own, handed back once it waits upstream (its claim
    /// on disk), for the marketplace to answer when `releaseReply` says.
    static func replyHeldUpstream(_ harness: ApplicationHarness, key: String) async -> Task<HTTPResponse, any Error> {
        let reply = Task { try await harness.send(.post, Self.path, body: #"{"text":"Thanks"}"#, headers: [("Idempotency-Key", key)]) }
        while !harness.review.isReplyWaiting { await Task.yield() }
        return reply
    }

    /// A gateway on a fresh journal whose marketplace holds replies, and a keyed reply under `key`
    /// held upstream, its claim on disk.
    static func heldReplyOnJournal(key: String) async throws
        -> (folder: JournalFolder, journal: IdempotencyJournal, harness: ApplicationHarness, reply: Task<HTTPResponse, any Error>) {
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        let journal = try Self.journal(in: folder)
        let harness = ApplicationHarness(holdReplies: true, idempotencyJournal: journal)
        return (folder, journal, harness, await Self.replyHeldUpstream(harness, key: key))
    }

    @Test("given a keyed reply answered, when the gateway restarts on its journal, then the repeat replays the answer and nothing is sent upstream")
    func replayAfterRestart() async throws {
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        // given
        let before = ApplicationHarness(idempotencyJournal: try Self.journal(in: folder))
        let first = try await before.send(.post, Self.path, body: #"{"text":"Thanks"}"#, headers: [("Idempotency-Key", "\"k-1\"")])
        #expect(first.status == .ok)
        before.application.idempotencyJournal?.close()
        // when
        let after = ApplicationHarness(idempotencyJournal: try Self.journal(in: folder))
        let again = try await after.send(.post, Self.path, body: #"{"text":"Thanks"}"#, headers: [("Idempotency-Key", "\"k-1\"")])
        // then
        #expect(again.status == .ok)
        #expect(again.headers["Idempotent-Replayed"] == "true")
        #expect(again.body == first.body)
        #expect(after.review.replies.isEmpty)
        let other = try await after.send(.post, Self.path, body: #"{"text":"Other"}"#, headers: [("Idempotency-Key", "\"k-1\"")])
        #expect(other.status.code == 422)
    }

    @Test("given a keyed reply in flight when the process ends, when the gateway restarts, then a repeat is told the outcome is unknown and nothing is sent again",
          .timeLimit(.minutes(1)))
    func inFlightAtTheEnd() async throws {
        // given: the claim is on disk, the reply waits upstream; the journal closes (the process ends) before it answers.
        let (folder, journal, before, first) = try await Self.heldReplyOnJournal(key: "k-2")
        journal.close()
        while !before.review.releaseReply() { await Task.yield() }
        _ = try await first.value
        // when
        let after = ApplicationHarness(idempotencyJournal: try Self.journal(in: folder))
        let again = try await after.send(.post, Self.path, body: #"{"text":"Thanks"}"#, headers: [("Idempotency-Key", "k-2")])
        // then
        #expect(again.status.code == 500)
        #expect(again.headers["Idempotent-Replayed"] == "true")
        #expect(again.headers["Content-Type"] == "application/problem+json")
        #expect(again.json["code"] as? String == "internal_error")
        #expect(again.json["retryable"] as? Bool == false)
        #expect((again.json["detail"] as? String)?.contains("was not recorded") == true)
        #expect(again.json["instance"] as? String == Self.path)
        #expect(after.review.replies.isEmpty)
    }

    @Test("given a keyed reply whose X-Request-ID is a secret the gateway holds, when its claim goes to disk and the process ends mid-call, then neither the journal nor the answer replayed after the restart repeats that secret",
          .timeLimit(.minutes(1)))
    func secretRequestIDIsNotJournaled() async throws {
        // given: the metrics token sent as the reply's request id; its claim on disk, the reply held upstream
        let token = "metrics-token-0123456789"
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        let journal = try Self.journal(in: folder)
        let before = ApplicationHarness(holdReplies: true, metricsToken: token, idempotencyJournal: journal)
        let first = Task {
            try await before.send(.post, Self.path, body: #"{"text":"Thanks"}"#, headers: [("Idempotency-Key", "k-9"), ("X-Request-ID", token)])
        }
        while !before.review.isReplyWaiting { await Task.yield() }
        // when: the process ends before the answer
        journal.close()
        while !before.review.releaseReply() { await Task.yield() }
        let answered = try await first.value
        // then: the id was echoed (replaced, it would confirm a guess), but is not on disk
        #expect(answered.headers["X-Request-ID"] == token)
        let onDisk = try Data(contentsOf: URL(fileURLWithPath: folder.journal))
        #expect(onDisk.count > 0)
        #expect(onDisk.range(of: Data(token.utf8)) == nil, "the journal holds the token")
        let after = ApplicationHarness(metricsToken: token, idempotencyJournal: try Self.journal(in: folder))
        let again = try await after.send(.post, Self.path, body: #"{"text":"Thanks"}"#, headers: [("Idempotency-Key", "k-9")])
        #expect(again.json["code"] as? String == "internal_error")
        #expect(again.json["request_id"] as? String == "[redacted]")
    }

    @Test("given a keyed mark-read in flight when the process ends, when the gateway restarts, then a repeat runs it (it does no harm twice), rather than being told the outcome is unknown",
          .timeLimit(.minutes(1)))
    func markReadInFlightAtTheEnd() async throws {
        // given: the claim is on disk, the mark-read waits upstream; the process ends first
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        let journal = try Self.journal(in: folder)
        let before = ApplicationHarness(holdReplies: true, idempotencyJournal: journal)
        let read = IdempotencyTests.path.replacingOccurrences(of: "/reply", with: "/read")
        let first = Task { try await before.send(.post, read, headers: [("Idempotency-Key", "r-1")]) }
        while !before.review.isReplyWaiting { await Task.yield() }
        journal.close()
        while !before.review.releaseReply() { await Task.yield() }
        _ = try await first.value
        // when
        let after = ApplicationHarness(idempotencyJournal: try Self.journal(in: folder))
        let again = try await after.send(.post, read, headers: [("Idempotency-Key", "r-1")])
        // then
        #expect(again.status == .noContent)
        #expect(again.headers["Idempotent-Replayed"] == nil)
        #expect(after.review.reads.count == 1)
    }

    @Test("given a journal that cannot take the claim, when a keyed reply comes, then it fails retryable with nothing sent upstream, and the key stays free")
    func claimNotRecorded() async throws {
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        let journal = try Self.journal(in: folder)
        let harness = ApplicationHarness(idempotencyJournal: journal)
        journal.close()
        // when
        let failed = try await harness.send(.post, Self.path, body: #"{"text":"Thanks"}"#, headers: [("Idempotency-Key", "k-3")])
        // then
        #expect(failed.status.code == 500)
        #expect(failed.json["code"] as? String == "internal_error")
        #expect(failed.json["retryable"] as? Bool == true)
        #expect((failed.json["detail"] as? String)?.contains("the key is free") == true)
        #expect(harness.review.replies.isEmpty)
        let again = try await harness.send(.post, Self.path, body: #"{"text":"Thanks"}"#, headers: [("Idempotency-Key", "k-3")])
        #expect(again.status.code == 500, "the key was freed, so the retry tries again rather than hitting a conflict")
        #expect(harness.review.replies.isEmpty)
    }

    @Test("given a journal whose file refuses writes, when a keyed reply comes, then it fails retryable with nothing sent, under a new key since the write could not be undone, and the failure is logged and counted")
    func writeRefused() async throws {
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        let log = LogSink.capturing()
        let journal = try IdempotencyJournal.open(path: folder.journal, lifetime: .seconds(3600), log: log)
        let harness = ApplicationHarness(idempotencyJournal: journal)
        let readOnly = open(folder.journal, O_RDONLY | O_CLOEXEC)
        try #require(readOnly >= 0)
        journal.replaceDescriptorForTesting(readOnly)
        // when
        let failed = try await harness.send(.post, Self.path, body: #"{"text":"Thanks"}"#, headers: [("Idempotency-Key", "k-4")])
        // then
        #expect(failed.status.code == 500)
        #expect(failed.json["retryable"] as? Bool == true)
        // A write that failed and could not be cut back (a read-only descriptor cannot be
        // truncated) may be read back after a restart: the key is not promised free.
        let detail = try #require(failed.json["detail"] as? String)
        #expect(detail.contains("under a new Idempotency-Key"))
        #expect(!detail.contains("the key is free"))
        #expect(harness.review.replies.isEmpty)
        #expect(harness.application.metrics.render().contains("gateway_idempotency_journal_failures_total 1\n"))
        #expect(log.lines.contains { $0.hasPrefix(#"{"time":""#) && $0.contains(#""event":"idempotency_journal_write_failed""#) })
        // A write that failed and could not be cut back (a read-only descriptor cannot be truncated) leaves the journal refusing.
        let again = try await harness.send(.post, Self.path, body: #"{"text":"Thanks"}"#, headers: [("Idempotency-Key", "k-5")])
        #expect(again.status.code == 500)
        #expect(harness.review.replies.isEmpty)
    }

    @Test("given an outcome not yet on disk, when a repeat comes, then it is answered only once the outcome is there, as the first request is",
          .timeLimit(.minutes(1)))
    func replayWaitsForTheDisk() async throws {
        let (folder, journal, harness, first) = try await Self.heldReplyOnJournal(key: "k-6")
        defer { withExtendedLifetime(folder) {} }
        // given: the claim is on disk; the disk now holds every write back
        journal.suspendWritesForTesting()
        while !harness.review.releaseReply() { await Task.yield() }
        // The outcome is in the store (its record queued: the claim was the first).
        while journal.mark().sequence < 2 { await Task.yield() }
        // when
        let answered = Mutex(false)
        let repeated = Task {
            let response = try await harness.send(.post, Self.path, body: #"{"text":"Thanks"}"#, headers: [("Idempotency-Key", "k-6")])
            answered.withLock { $0 = true }
            return response
        }
        // then: neither is answered while the outcome is not on disk: both come to wait for it
        // (a repeat that did not wait would be answered instead)
        while journal.waitingForDiskForTesting < 2, !answered.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
        #expect(!answered.withLock { $0 })
        journal.resumeWritesForTesting()
        let replay = try await repeated.value
        #expect(try await first.value.status == .ok)
        #expect(replay.status == .ok)
        #expect(replay.headers["Idempotent-Replayed"] == "true")
        #expect(harness.review.replies.count == 1)
    }

    @Test("given a keyed reply the marketplace refuses, when it is answered, then its key is free on disk first, so a retry after a restart runs",
          .timeLimit(.minutes(1)))
    func freedKeyOnDiskFirst() async throws {
        let (folder, journal, harness, first) = try await Self.heldReplyOnJournal(key: "k-7")
        // given: the claim is on disk; the marketplace will refuse the reply; the disk now holds every write back
        harness.review.failNext(with: .itemNotFound(id: "item-0"))
        journal.suspendWritesForTesting()
        let answered = Mutex(false)
        let failure = Task {
            let response = try await first.value
            answered.withLock { $0 = true }
            return response
        }
        // when
        while !harness.review.releaseReply() { await Task.yield() }
        // then: the refusal is not answered while the freed key is not on disk: it comes to
        // wait for it (a failure that did not wait would be answered instead)
        while journal.waitingForDiskForTesting < 1, !answered.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
        #expect(!answered.withLock { $0 })
        journal.resumeWritesForTesting()
        #expect(try await failure.value.status.code == 404)
        journal.close()
        let after = ApplicationHarness(idempotencyJournal: try Self.journal(in: folder))
        let retry = try await after.send(.post, Self.path, body: #"{"text":"Thanks"}"#, headers: [("Idempotency-Key", "k-7")])
        #expect(retry.status == .ok, "the retry runs: the restart found the key freed, not a claim without an outcome")
        #expect(retry.headers["Idempotent-Replayed"] == nil)
        #expect(after.review.replies.count == 1)
    }
}

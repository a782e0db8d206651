import Connectors
import Foundation
import Glibc
@testable import Gateway
import HTTP
import Testing

@Suite("Gateway idempotent replies across restarts")
struct IdempotencyJournalReplyTests {
    static let path = IdempotencyTests.path

    static func journal(in folder: IdempotencyJournalTests.Folder) throws -> IdempotencyJournal {
        try IdempotencyJournal.open(path: folder.journal, lifetime: .seconds(24 * 3600))
    }

    @Test("given a keyed reply answered, when the gateway restarts on its journal, then the repeat replays the answer and nothing is sent upstream")
    func replayAfterRestart() async throws {
        let folder = try IdempotencyJournalTests.Folder()
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
        let folder = try IdempotencyJournalTests.Folder()
        // given: the claim is on disk, the reply waits upstream; the journal closes (the process ends) before it answers.
        let journal = try Self.journal(in: folder)
        let before = ApplicationHarness(holdReplies: true, idempotencyJournal: journal)
        let first = Task { try await before.send(.post, Self.path, body: #"{"text":"Thanks"}"#, headers: [("Idempotency-Key", "k-2")]) }
        while !before.review.isReplyWaiting { await Task.yield() }
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

    @Test("given a journal that cannot take the claim, when a keyed reply comes, then it fails retryable with nothing sent upstream, and the key stays free")
    func claimNotRecorded() async throws {
        let folder = try IdempotencyJournalTests.Folder()
        let journal = try Self.journal(in: folder)
        let harness = ApplicationHarness(idempotencyJournal: journal)
        journal.close()
        // when
        let failed = try await harness.send(.post, Self.path, body: #"{"text":"Thanks"}"#, headers: [("Idempotency-Key", "k-3")])
        // then
        #expect(failed.status.code == 500)
        #expect(failed.json["code"] as? String == "internal_error")
        #expect(failed.json["retryable"] as? Bool == true)
        #expect(harness.review.replies.isEmpty)
        let again = try await harness.send(.post, Self.path, body: #"{"text":"Thanks"}"#, headers: [("Idempotency-Key", "k-3")])
        #expect(again.status.code == 500, "the key was freed, so the retry tries again rather than hitting a conflict")
        #expect(harness.review.replies.isEmpty)
    }

    @Test("given a journal whose file refuses writes, when a keyed reply comes, then it fails retryable with nothing sent, and the failure is logged and counted")
    func writeRefused() async throws {
        let folder = try IdempotencyJournalTests.Folder()
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
        #expect(harness.review.replies.isEmpty)
        #expect(harness.application.metrics.render().contains("gateway_idempotency_journal_failures_total 1\n"))
        #expect(log.lines.contains { $0.contains(#""event":"idempotency_journal_write_failed""#) })
        // A write that failed and could not be cut back (a read-only descriptor cannot be truncated) leaves the journal refusing.
        let again = try await harness.send(.post, Self.path, body: #"{"text":"Thanks"}"#, headers: [("Idempotency-Key", "k-5")])
        #expect(again.status.code == 500)
        #expect(harness.review.replies.isEmpty)
    }
}

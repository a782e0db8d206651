import Foundation
@testable import Gateway
import HTTP
import Testing

/// A tenant's outcomes past the store's capacity, across a restart: what the journal keeps and
/// what the store drops first (a mark-read's outcome, which does no harm run again).
@Suite("Idempotency journal: capacity across restarts")
struct IdempotencyJournalCapacityTests {
    static let print = IdempotencyJournalTests.print

    static func reopen(_ path: String) throws -> IdempotencyStore { try IdempotencyJournalTests.reopen(path) }

    static func storeOutcome(_ key: String, tenant: String = "a", in store: IdempotencyStore) throws {
        try IdempotencyJournalTests.storeOutcome(key, tenant: tenant, in: store)
    }

    @Test("given replies at the capacity and a mark-read's outcome dropped for room, when the gateway restarts, then the replies replay and the mark-read runs again, as before the restart")
    func roomMadeStaysMadeAcrossARestart() async throws {
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        do {
            let journal = try IdempotencyJournal.open(path: folder.journal, lifetime: .seconds(3600), capacity: 2)
            let store = IdempotencyStore(lifetime: .seconds(3600), capacity: 2, journal: journal)
            for key in ["reply-1", "reply-2"] { try Self.storeOutcome(key, tenant: "acme", in: store) }
            _ = try store.begin(tenant: "acme", key: "read-1", fingerprint: Self.print, freedIfCutShort: true)
            store.complete(tenant: "acme", key: "read-1", response: HTTPResponse(status: .noContent))
            await store.persistedAll()
            journal.close()
        }
        let journal = try IdempotencyJournal.open(path: folder.journal, lifetime: .seconds(3600), capacity: 2)
        let store = IdempotencyStore(lifetime: .seconds(3600), capacity: 2, journal: journal)
        for key in ["reply-1", "reply-2"] {
            guard case .replay = try store.begin(tenant: "acme", key: key, fingerprint: Self.print) else {
                Issue.record("\(key) was lost in the restart: its retry would reply twice"); return
            }
        }
        guard case .proceed = try store.begin(tenant: "acme", key: "read-1", fingerprint: Self.print) else {
            Issue.record("the mark-read dropped for room came back"); return
        }
    }

    @Test("given a tenant with more outcomes in its journal than the capacity and another with few, when restored, then each keeps its newest up to the capacity")
    func restoreWithinCapacity() async throws {
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        do {
            let store = try Self.reopen(folder.journal)
            for index in 0..<10 {
                try Self.storeOutcome("b\(index)", tenant: "busy", in: store)
                if index < 2 {
                    try Self.storeOutcome("q\(index)", tenant: "quiet", in: store)
                }
            }
            try await store.persisted(tenant: "busy", key: "b9")
            store.journal?.close()
        }
        let journal = try IdempotencyJournal.open(path: folder.journal, lifetime: .seconds(3600), capacity: 3)
        #expect(journal.restoredCount == 5, "what the start-up line reports is what the store gets")
        let store = IdempotencyStore(lifetime: .seconds(3600), capacity: 3, journal: journal)
        #expect(store.count == 5)
        for key in ["b7", "b8", "b9"] {
            guard case .replay = try store.begin(tenant: "busy", key: key, fingerprint: Self.print) else { Issue.record("\(key) kept"); return }
        }
        guard case .proceed = try store.begin(tenant: "busy", key: "b6", fingerprint: Self.print) else { Issue.record("b6 dropped"); return }
        for key in ["q0", "q1"] {
            guard case .replay = try store.begin(tenant: "quiet", key: key, fingerprint: Self.print) else { Issue.record("\(key) kept"); return }
        }
    }

    @Test("given a tenant's journal holding a mark-read's outcome between replies' outcomes, when restored over a smaller capacity or filled up after the restart, then the mark-read's goes first, not the older reply's")
    func markReadsMakeRoomAfterARestart() async throws {
        let folder = try JournalFolder()
        defer { withExtendedLifetime(folder) {} }
        func markRead(_ key: String, in store: IdempotencyStore) throws {
            _ = try store.begin(tenant: "acme", key: key, fingerprint: Self.print, freedIfCutShort: true)
            store.complete(tenant: "acme", key: key, response: HTTPResponse(status: .noContent))
        }
        do {
            let store = try Self.reopen(folder.journal)
            try Self.storeOutcome("reply-1", tenant: "acme", in: store)
            try markRead("read-1", in: store)
            try Self.storeOutcome("reply-2", tenant: "acme", in: store)
            try markRead("read-2", in: store)
            try Self.storeOutcome("reply-3", tenant: "acme", in: store)
            await store.persistedAll()
            store.journal?.close()
        }
        // when: restored with room for four, the oldest mark-read is left out, not the oldest reply
        do {
            let journal = try IdempotencyJournal.open(path: folder.journal, lifetime: .seconds(3600), capacity: 4)
            #expect(journal.restoredCount == 4)
            let store = IdempotencyStore(lifetime: .seconds(3600), capacity: 4, journal: journal)
            for key in ["reply-1", "reply-2", "reply-3"] {
                guard case .replay = try store.begin(tenant: "acme", key: key, fingerprint: Self.print) else {
                    Issue.record("\(key) was left out at the restart for a mark-read's room"); return
                }
            }
            // and: a new reply stored after the restart makes its room from the restored mark-read
            try Self.storeOutcome("reply-4", tenant: "acme", in: store)
            for key in ["reply-1", "reply-4"] {
                guard case .replay = try store.begin(tenant: "acme", key: key, fingerprint: Self.print) else {
                    Issue.record("\(key) dropped for room while a restored mark-read's outcome was kept"); return
                }
            }
            guard case .proceed = try store.begin(tenant: "acme", key: "read-2", fingerprint: Self.print, freedIfCutShort: true) else {
                Issue.record("the restored mark-read's outcome was kept over a reply's"); return
            }
            guard case .proceed = try store.begin(tenant: "acme", key: "read-1", fingerprint: Self.print, freedIfCutShort: true) else {
                Issue.record("the mark-read left out at the restart came back"); return
            }
        }
    }
}

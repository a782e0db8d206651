import Connectors
@testable import Gateway
import HTTP
import Synchronization
import Testing

@Suite("Idempotency store")
struct IdempotencyStoreTests {
    @Test("keys are per tenant, expire after their lifetime, and the store stays within capacity")
    func scopingExpiryCapacity() throws {
        let store = IdempotencyStore(lifetime: .seconds(60), capacity: 3)
        let now = ContinuousClock.now
        let print: [UInt8] = [1]
        guard case .proceed = try store.begin(tenant: "a", key: "k", fingerprint: print, now: now) else { Issue.record("a/k"); return }
        store.complete(tenant: "a", key: "k", response: HTTPResponse(status: .ok), now: now)
        guard case .proceed = try store.begin(tenant: "b", key: "k", fingerprint: print, now: now) else { Issue.record("b/k"); return }
        guard case .replay = try store.begin(tenant: "a", key: "k", fingerprint: print, now: now) else { Issue.record("replay"); return }
        guard case .proceed = try store.begin(tenant: "a", key: "k", fingerprint: print, now: now + .seconds(61)) else {
            Issue.record("expired key should run again"); return
        }
        store.abandon(tenant: "a", key: "k")
        store.abandon(tenant: "b", key: "k")
        for index in 0..<10 {
            try store.keep(tenant: "c", key: "k\(index)", fingerprint: print, at: now + .seconds(62))
        }
        #expect(store.count == 3)
    }

    @Test("given a tenant's kept reply, when another tenant stores more outcomes than the capacity, then the first is still replayed")
    func capacityPerTenant() throws {
        let store = IdempotencyStore(lifetime: .seconds(3600), capacity: 3)
        let now = ContinuousClock.now
        let print: [UInt8] = [2]
        // given
        try store.keep(tenant: "a", key: "reply-1", fingerprint: print, at: now)
        // when
        for index in 0..<10 {
            _ = try store.begin(tenant: "b", key: "read-\(index)", fingerprint: print, now: now + .seconds(1))
            store.complete(tenant: "b", key: "read-\(index)", response: HTTPResponse(status: .noContent), now: now + .seconds(1))
        }
        // then
        guard case .replay(let response) = try store.begin(tenant: "a", key: "reply-1", fingerprint: print, now: now + .seconds(2)) else {
            Issue.record("tenant a's outcome was pushed out by tenant b's"); return
        }
        #expect(response.status == .ok)
        guard case .proceed = try store.begin(tenant: "b", key: "read-0", fingerprint: print, now: now + .seconds(2)) else {
            Issue.record("tenant b's own oldest outcome makes room for its newer ones"); return
        }
    }

    @Test("given a tenant storing more outcomes than the capacity, then each one dropped early is reported for that tenant, and the metric counts it; expiry is not reported")
    func evictionsObserved() throws {
        let store = IdempotencyStore(lifetime: .seconds(60), capacity: 3)
        let metrics = GatewayMetrics()
        let seen = Mutex<[String: Int]>([:])
        store.observeEvictions { tenant, count in
            seen.withLock { $0[tenant, default: 0] += count }
            metrics.recordIdempotencyEvictions(tenant: tenant, count: count)
        }
        let now = ContinuousClock.now
        // given: five outcomes of b's, three of a's, within a's capacity
        for index in 0..<5 {
            _ = try store.begin(tenant: "b", key: "k\(index)", fingerprint: [3], now: now)
            store.complete(tenant: "b", key: "k\(index)", response: HTTPResponse(status: .noContent), now: now)
        }
        for index in 0..<3 {
            _ = try store.begin(tenant: "a", key: "k\(index)", fingerprint: [3], now: now)
            store.complete(tenant: "a", key: "k\(index)", response: HTTPResponse(status: .noContent), now: now)
        }
        // when: a's first have expired by the time it stores another
        _ = try store.begin(tenant: "a", key: "late", fingerprint: [3], now: now + .seconds(61))
        store.complete(tenant: "a", key: "late", response: HTTPResponse(status: .noContent), now: now + .seconds(61))
        // then
        #expect(seen.withLock { $0 } == ["b": 2])
        #expect(metrics.render().contains("\ngateway_idempotency_evictions_total{tenant=\"b\"} 2\n"))
    }

    @Test("given a keyed request that took longer than nothing, when repeated just under a lifetime after it finished, then the outcome is replayed")
    func lifetimeFromCompletion() throws {
        let store = IdempotencyStore(lifetime: .seconds(10), capacity: 10)
        let start = ContinuousClock.now
        let print: [UInt8] = [4]
        // given: claimed at start, finished 8 s later
        _ = try store.begin(tenant: "a", key: "slow", fingerprint: print, now: start)
        store.complete(tenant: "a", key: "slow", response: HTTPResponse(status: .ok), now: start + .seconds(8))
        // when / then
        guard case .replay = try store.begin(tenant: "a", key: "slow", fingerprint: print, now: start + .seconds(17)) else {
            Issue.record("kept 10 s from when it was stored"); return
        }
        guard case .proceed = try store.begin(tenant: "a", key: "slow", fingerprint: print, now: start + .seconds(19)) else {
            Issue.record("and no longer"); return
        }
    }

    @Test("given tenants that went quiet with outcomes now expired, when another tenant keeps sending keyed requests, then theirs are swept, and live ones kept")
    func quietTenantsAreSwept() throws {
        let store = IdempotencyStore(lifetime: .seconds(60), capacity: 3)
        let now = ContinuousClock.now
        let print: [UInt8] = [5]
        // given: three quiet tenants with full shelves, and one whose outcome is still live
        for tenant in ["a", "b", "c"] {
            for index in 0..<3 {
                try store.keep(tenant: tenant, key: "k\(index)", fingerprint: print, at: now)
            }
        }
        try store.keep(tenant: "live", key: "fresh", fingerprint: print, at: now + .seconds(50))
        #expect(store.count == 10)
        // when: after the others' lifetime, a busy tenant sends a handful of keyed requests
        for index in 0..<8 {
            _ = try store.begin(tenant: "busy", key: "r\(index)", fingerprint: print, now: now + .seconds(61))
            store.abandon(tenant: "busy", key: "r\(index)")
        }
        // then: only the live outcome is left, and it is still replayed
        #expect(store.count == 1)
        guard case .replay = try store.begin(tenant: "live", key: "fresh", fingerprint: print, now: now + .seconds(62)) else {
            Issue.record("a live outcome was swept"); return
        }
    }

    @Test("given a tenant at its capacity, when it repeats its oldest key, then that outcome is replayed, not dropped to make room")
    func repeatAtCapacity() throws {
        let store = IdempotencyStore(lifetime: .seconds(3600), capacity: 2)
        let now = ContinuousClock.now
        let print: [UInt8] = [8]
        for index in 0..<2 {
            try store.keep(tenant: "a", key: "k\(index)", fingerprint: print, at: now)
        }
        guard case .replay = try store.begin(tenant: "a", key: "k0", fingerprint: print, now: now) else {
            Issue.record("the oldest outcome was dropped for room its repeat did not need: the write would run twice"); return
        }
        #expect(store.count == 2)
    }

    @Test("given a tenant at its capacity with older replies and newer mark-reads, when more outcomes are stored, then the mark-reads make room first and every reply is still replayed")
    func markReadsMakeRoomFirst() throws {
        let store = IdempotencyStore(lifetime: .seconds(3600), capacity: 4)
        let now = ContinuousClock.now
        let print: [UInt8] = [10]
        // given: two replies, then two mark-reads
        for index in 0..<2 { try store.keep(tenant: "a", key: "reply-\(index)", fingerprint: print, at: now) }
        for index in 0..<2 { try store.keep(tenant: "a", key: "read-\(index)", fingerprint: print, at: now, harmlessTwice: true) }
        // when: a third reply, then a third mark-read
        try store.keep(tenant: "a", key: "reply-2", fingerprint: print, at: now + .seconds(1))
        try store.keep(tenant: "a", key: "read-2", fingerprint: print, at: now + .seconds(1), harmlessTwice: true)
        // then
        #expect(store.count == 4)
        for index in 0..<3 {
            guard case .replay = try store.begin(tenant: "a", key: "reply-\(index)", fingerprint: print, now: now + .seconds(2)) else {
                Issue.record("reply-\(index) was dropped while a mark-read's outcome was kept: its retry would reply twice"); return
            }
        }
        guard case .replay = try store.begin(tenant: "a", key: "read-2", fingerprint: print, now: now + .seconds(2)) else {
            Issue.record("the newest mark-read was dropped for its own room"); return
        }
        for index in 0..<2 {
            guard case .proceed = try store.begin(tenant: "a", key: "read-\(index)", fingerprint: print, now: now + .seconds(2)) else {
                Issue.record("read-\(index) was kept past the capacity"); return
            }
        }
    }

    @Test("given a tenant at its capacity with replies alone, when a mark-read's outcome is stored, then it is the one dropped, and every reply is still replayed")
    func markReadAtCapacityOfReplies() throws {
        let store = IdempotencyStore(lifetime: .seconds(3600), capacity: 2)
        let now = ContinuousClock.now
        let print: [UInt8] = [12]
        for index in 0..<2 { try store.keep(tenant: "a", key: "reply-\(index)", fingerprint: print, at: now) }
        try store.keep(tenant: "a", key: "read-0", fingerprint: print, at: now, harmlessTwice: true)
        #expect(store.count == 2)
        for index in 0..<2 {
            guard case .replay = try store.begin(tenant: "a", key: "reply-\(index)", fingerprint: print, now: now) else {
                Issue.record("reply-\(index) was dropped for a mark-read's outcome: its retry would reply twice"); return
            }
        }
        guard case .proceed = try store.begin(tenant: "a", key: "read-0", fingerprint: print, now: now) else {
            Issue.record("the mark-read's outcome was kept past the capacity"); return
        }
    }

    @Test("given a tenant at its capacity with only mark-reads, when more mark-reads are stored, then the oldest go first")
    func markReadsAlone() throws {
        let store = IdempotencyStore(lifetime: .seconds(3600), capacity: 2)
        let now = ContinuousClock.now
        let print: [UInt8] = [11]
        for index in 0..<5 { try store.keep(tenant: "a", key: "read-\(index)", fingerprint: print, at: now, harmlessTwice: true) }
        #expect(store.count == 2)
        for index in 3..<5 {
            guard case .replay = try store.begin(tenant: "a", key: "read-\(index)", fingerprint: print, now: now) else {
                Issue.record("read-\(index), among the newest, was dropped"); return
            }
        }
    }

    @Test("given a tenant at its capacity, when keyed requests fail before their write and free their keys, then every kept outcome is still replayed")
    func failuresMakeNoRoom() throws {
        let store = IdempotencyStore(lifetime: .seconds(3600), capacity: 2)
        let now = ContinuousClock.now
        let print: [UInt8] = [9]
        for index in 0..<2 {
            try store.keep(tenant: "a", key: "k\(index)", fingerprint: print, at: now)
        }
        for index in 0..<3 {
            guard case .proceed = try store.begin(tenant: "a", key: "failed\(index)", fingerprint: print, now: now) else {
                Issue.record("a new key did not run"); return
            }
            store.abandon(tenant: "a", key: "failed\(index)")
        }
        for index in 0..<2 {
            guard case .replay = try store.begin(tenant: "a", key: "k\(index)", fingerprint: print, now: now) else {
                Issue.record("k\(index)'s outcome was dropped for a request that stored nothing: its retry would write again"); return
            }
        }
        try store.keep(tenant: "a", key: "k2", fingerprint: print, at: now)
        #expect(store.count == 2)
        guard case .replay = try store.begin(tenant: "a", key: "k2", fingerprint: print, now: now) else {
            Issue.record("the outcome just stored was dropped"); return
        }
    }

    @Test("given a tenant at its capacity, when another tenant's claims sweep its shelf, then nothing live of it is dropped")
    func sweepMakesNoRoom() throws {
        let store = IdempotencyStore(lifetime: .seconds(3600), capacity: 2)
        let now = ContinuousClock.now
        let print: [UInt8] = [6]
        for index in 0..<2 {
            try store.keep(tenant: "full", key: "k\(index)", fingerprint: print, at: now)
        }
        for index in 0..<6 {
            _ = try store.begin(tenant: "other", key: "r\(index)", fingerprint: print, now: now)
            store.abandon(tenant: "other", key: "r\(index)")
        }
        for index in 0..<2 {
            guard case .replay = try store.begin(tenant: "full", key: "k\(index)", fingerprint: print, now: now) else {
                Issue.record("k\(index) was dropped by another tenant's sweep"); return
            }
        }
    }

    @Test("given a lifetime shorter than the traffic, when many mark-reads come and expire, then the store's bookkeeping stays bounded")
    func expiredMarkReadsDoNotAccumulate() throws {
        let store = IdempotencyStore(lifetime: .seconds(10), capacity: 100)
        let now = ContinuousClock.now
        let print: [UInt8] = [13]
        for index in 0..<20_000 {
            try store.keep(tenant: "a", key: "read-\(index)", fingerprint: print, at: now + .seconds(index), harmlessTwice: true)
        }
        #expect(store.count <= 12)
        #expect(store.orderRecords < 2_500)
    }

    @Test("given a kept reply, when many later keyed requests fail and free their keys, then the store's bookkeeping stays bounded")
    func abandonedKeysDoNotAccumulate() throws {
        let store = IdempotencyStore(lifetime: .seconds(3600), capacity: 100)
        let now = ContinuousClock.now
        let print: [UInt8] = [3]
        _ = try store.begin(tenant: "a", key: "kept", fingerprint: print, now: now)
        store.complete(tenant: "a", key: "kept", response: HTTPResponse(status: .ok))
        for index in 0..<20_000 {
            _ = try store.begin(tenant: "a", key: "failed-\(index)", fingerprint: print, now: now)
            store.abandon(tenant: "a", key: "failed-\(index)")
        }
        #expect(store.count == 1)
        #expect(store.orderRecords < 2_000)
        guard case .replay = try store.begin(tenant: "a", key: "kept", fingerprint: print, now: now) else {
            Issue.record("the kept reply is still replayed"); return
        }
    }

    @Test("given a tenant at its capacity, when a keyed request fails while another stores its outcome, then only the oldest outcome made room")
    func runningClaimsTakeNoRoom() throws {
        let store = IdempotencyStore(lifetime: .seconds(3600), capacity: 2)
        let now = ContinuousClock.now
        let print: [UInt8] = [8]
        // given: two outcomes kept, and a request under a third key running
        try store.keep(tenant: "a", key: "k0", fingerprint: print, at: now)
        try store.keep(tenant: "a", key: "k1", fingerprint: print, at: now)
        guard case .proceed = try store.begin(tenant: "a", key: "failing", fingerprint: print, now: now) else { Issue.record("failing"); return }
        // when: another stores its outcome meanwhile, and the running one fails before its write
        try store.keep(tenant: "a", key: "k2", fingerprint: print, at: now)
        store.abandon(tenant: "a", key: "failing")
        // then: the two newest outcomes are kept
        #expect(store.count == 2)
        guard case .replay = try store.begin(tenant: "a", key: "k1", fingerprint: print, now: now) else {
            Issue.record("k1 was pushed out for a request that stored nothing"); return
        }
        guard case .replay = try store.begin(tenant: "a", key: "k2", fingerprint: print, now: now) else { Issue.record("k2"); return }
    }

    @Test("given a request that outlives the key's lifetime, when repeated meanwhile, then the repeat is a conflict, not a second run")
    func inFlightOutlivesLifetime() throws {
        let store = IdempotencyStore(lifetime: .seconds(1), capacity: 10)
        let now = ContinuousClock.now
        let print: [UInt8] = [7]
        guard case .proceed = try store.begin(tenant: "a", key: "slow", fingerprint: print, now: now) else { Issue.record("first"); return }
        _ = try store.begin(tenant: "a", key: "other", fingerprint: print, now: now + .seconds(5))
        #expect(throws: GatewayError.idempotencyConflict) {
            try store.begin(tenant: "a", key: "slow", fingerprint: print, now: now + .seconds(5))
        }
        store.complete(tenant: "a", key: "slow", response: HTTPResponse(status: .ok), now: now + .seconds(5))
        guard case .replay = try store.begin(tenant: "a", key: "slow", fingerprint: print, now: now + .seconds(5)) else {
            Issue.record("a completed request is replayed"); return
        }
        guard case .proceed = try store.begin(tenant: "a", key: "slow", fingerprint: print, now: now + .seconds(30)) else {
            Issue.record("the completed entry still expires"); return
        }
    }
}

extension IdempotencyStore {
    /// Claims `key` and stores a 200 for it at `now`: an outcome kept.
    fileprivate func keep(tenant: String, key: String, fingerprint: [UInt8], at now: ContinuousClock.Instant,
                          harmlessTwice: Bool = false) throws {
        _ = try begin(tenant: tenant, key: key, fingerprint: fingerprint, freedIfCutShort: harmlessTwice, now: now)
        complete(tenant: tenant, key: key, response: HTTPResponse(status: .ok), now: now)
    }
}

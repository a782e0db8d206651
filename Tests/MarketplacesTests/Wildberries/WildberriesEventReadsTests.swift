import Connectors
@testable import Marketplaces
import Synchronization
import Testing

extension WildberriesEventReads {
    /// A read by a caller that may wait, with a deadline far off.
    func read(next: Int64?, fetch: (_ spareOnly: Bool) async throws(ConnectorError) -> WildberriesEventRead) async throws(ConnectorError) -> WildberriesEventRead {
        try await read(next: next, deadline: .now + .seconds(600), mayWait: true, fetch: fetch)
    }
}

/// The chat stream's answers shared among a tenant's callers: one request for callers asking the
/// same place at once or within the window, none for a failure, nothing given after the window
/// or asked before the stream changed; a caller waits no longer than its own request could.
@Suite("Wildberries event reads shared")
struct WildberriesEventReadsTests {
    static func read(_ marker: Int64) throws -> WildberriesEventRead {
        let page = try WildberriesEventsPage(parsing: Array(#"{"next":\#(marker),"totalEvents":0,"events":[]}"#.utf8))
        return WildberriesEventRead(page: page, askedAt: marker)
    }

    /// Counts the fetches and answers each with the next marker; with `spare` false, a fetch
    /// that may only use a request to spare is refused for rate.
    final class Upstream: Sendable {
        private let count = Atomic(0)
        let spare = Atomic(true)
        var fetches: Int { count.load(ordering: .relaxed) }

        func fetch(spareOnly: Bool = false) throws(ConnectorError) -> WildberriesEventRead {
            if spareOnly, !spare.load(ordering: .relaxed) { throw .upstreamRateLimited(retryAfter: .seconds(1), nil) }
            let marker = count.add(1, ordering: .relaxed).newValue
            do { return try WildberriesEventReadsTests.read(Int64(marker)) } catch { throw .invalidRequest(field: nil, reason: "unreadable page") }
        }
    }

    /// Shared reads with a window of 1 s on a standing clock, and an upstream counting its fetches.
    struct Fixture {
        let wall = StandingWallClock()
        let reads: WildberriesEventReads
        let upstream = Upstream()

        init() {
            let wall = wall
            reads = WildberriesEventReads(window: .seconds(1), unixMilliseconds: { wall.now })
        }

        /// A read of `next` whose request is held until `release` (then answered by the upstream,
        /// or failing with `failure`): the request under way that other callers find. Returns
        /// once it is under way.
        func held(next: Int64?, deadline: ContinuousClock.Instant = .now + .seconds(600),
                  failure: ConnectorError? = nil) async throws -> (read: Task<WildberriesEventRead, any Error>, release: @Sendable () -> Void) {
            let (gate, open) = AsyncStream<Void>.makeStream()
            let (reads, upstream) = (reads, upstream)
            let read = Task {
                try await reads.read(next: next, deadline: deadline, mayWait: true) { spareOnly async throws(ConnectorError) -> WildberriesEventRead in
                    for await _ in gate { break }
                    if let failure { throw failure }
                    return try upstream.fetch(spareOnly: spareOnly)
                }
            }
            try await WildberriesEventReadsTests.waitUntil(reads, isAsking: 1)
            return (read, { open.yield() })
        }

        /// Reads `next` as a caller that may wait, its fetch answered by the upstream.
        func ask(_ next: Int64?) async throws -> Int64? {
            try await reads.read(next: next) { spareOnly throws(ConnectorError) in try upstream.fetch(spareOnly: spareOnly) }.page.next
        }

        /// A request held and then failing with `failure` while three callers wait on it: what
        /// the asking caller and each of the three got (a page's `next`, or a failure).
        func waitOnAFailure(_ failure: ConnectorError) async throws -> (asker: ConnectorError?, waiters: [Result<Int64?, ConnectorError>]) {
            let (first, release) = try await held(next: nil, failure: failure)
            let waiters = await withTaskGroup(of: Result<Int64?, ConnectorError>.self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        do { return .success(try await ask(nil)) } catch let error as ConnectorError { return .failure(error) } catch {
                            return .failure(.invalidRequest(field: nil, reason: "not a ConnectorError: \(error)"))
                        }
                    }
                }
                try? await WildberriesEventReadsTests.waitUntil(reads, hasWaiters: 3)
                release()
                return await group.reduce(into: [Result<Int64?, ConnectorError>]()) { $0.append($1) }
            }
            do { _ = try await first.value; return (nil, waiters) } catch { return (error as? ConnectorError, waiters) }
        }
    }

    static func waitUntil(_ reads: WildberriesEventReads, hasWaiters count: Int) async throws {
        while reads.waitersForTesting < count { try await Task.sleep(for: .milliseconds(1)) }
    }

    static func waitUntil(_ reads: WildberriesEventReads, isAsking count: Int) async throws {
        while reads.askingForTesting < count { try await Task.sleep(for: .milliseconds(1)) }
    }

    @Test("given ten callers asking the same place while the first is being answered, then Wildberries is asked once and all ten get its answer",
          .timeLimit(.minutes(1)))
    func joinsAnAnswerUnderWay() async throws {
        // given: the first is asking
        let given = Fixture()
        let (first, release) = try await given.held(next: 7)
        // when: the others come
        let others = await withTaskGroup(of: Int64?.self) { group in
            for _ in 0..<9 { group.addTask { try? await given.ask(7) } }
            try? await Self.waitUntil(given.reads, hasWaiters: 9)
            release()
            return await group.reduce(into: [Int64?]()) { $0.append($1) }
        }
        // then
        #expect(try await first.value.page.next == 1)
        #expect(others == Array(repeating: 1, count: 9))
        #expect(given.upstream.fetches == 1)
    }

    @Test("given callers waiting on an answer that fails, then the failure is the first caller's alone, and the next of them asks once for the others",
          .timeLimit(.minutes(1)))
    func failureIsNotShared() async throws {
        // given
        let given = Fixture()
        // when
        let (failure, others) = try await given.waitOnAFailure(.upstreamTimeout(nil))
        // then
        #expect(failure == .upstreamTimeout(nil))
        #expect(others == [.success(1), .success(1), .success(1)])
        #expect(given.upstream.fetches == 1)
    }

    @Test("given callers waiting on an answer that fails for good (the token refused), then every one of them gets that failure and Wildberries is not asked again",
          .timeLimit(.minutes(1)))
    func lastingFailureIsShared() async throws {
        // given
        let given = Fixture()
        let refused = ConnectorError.upstreamAuthFailed(UpstreamFailure(marketplace: .wildberries, status: 401, message: "token refused"))
        // when
        let (failure, others) = try await given.waitOnAFailure(refused)
        // then
        #expect(failure == refused)
        #expect(others == [.failure(refused), .failure(refused), .failure(refused)])
        #expect(given.upstream.fetches == 0)
        #expect(given.reads.askingForTesting == 0)
    }

    @Test("given an answer, when the same place is asked within the window, after it, from another place, or after forget, then only the first is given again")
    func windowAndForget() async throws {
        // given
        let given = Fixture()
        #expect(try await given.ask(5) == 1)
        // when / then: 999 ms on, the same answer
        given.wall.shift(byMilliseconds: 999)
        #expect(try await given.ask(5) == 1)
        // another place is its own
        #expect(try await given.ask(6) == 2)
        #expect(try await given.ask(nil) == 3)
        // a second after the answer, asked again
        given.wall.shift(byMilliseconds: 1)
        #expect(try await given.ask(5) == 4)
        // the clock set back: not given again
        given.wall.shift(byMilliseconds: -10)
        #expect(try await given.ask(5) == 5)
        #expect(try await given.ask(5) == 5)
        // forgotten
        given.reads.forget()
        #expect(try await given.ask(5) == 6)
    }

    @Test("given an answer past the window, when the budget has no request to spare, then that answer stands in (for callers waiting on it too) until it is 10 s old; with one to spare, the stream is asked",
          .timeLimit(.minutes(1)))
    func standInWhileTheBudgetIsSpent() async throws {
        // given
        let given = Fixture()
        #expect(try await given.ask(5) == 1)
        given.upstream.spare.store(false, ordering: .relaxed)
        // when / then: past the window, no request to spare: the answer stands in
        given.wall.shift(byMilliseconds: 5_000)
        #expect(try await given.ask(5) == 1)
        // callers that wait on the caller asking get it too
        let (first, release) = try await given.held(next: 5)
        async let second = given.ask(5)
        try await Self.waitUntil(given.reads, hasWaiters: 1)
        release()
        #expect(try await first.value.page.next == 1)
        #expect(try await second == 1)
        // 10 s after it came, it no longer stands in: the caller waits for the budget
        given.wall.shift(byMilliseconds: 4_999)
        #expect(try await given.ask(5) == 1)
        given.wall.shift(byMilliseconds: 1)
        #expect(try await given.ask(5) == 2)
        // with a request to spare, past the window, the stream is asked
        given.upstream.spare.store(true, ordering: .relaxed)
        given.wall.shift(byMilliseconds: 1_000)
        #expect(try await given.ask(5) == 3)
        #expect(given.upstream.fetches == 3)
    }

    @Test("given a request under way, when the stream changes (a reply) before it is answered, then a read after the change neither joins it nor is given its answer",
          .timeLimit(.minutes(1)))
    func forgetDuringARequest() async throws {
        // given
        let given = Fixture()
        let (first, release) = try await given.held(next: 7)
        // when
        given.reads.forget()
        let during = try await given.ask(7)
        release()
        // then: the read after the change asked for itself, and the earlier answer is not given again
        #expect(during == 1)
        #expect(try await first.value.page.next == 2)
        #expect(try await given.ask(7) == 1)
        #expect(given.reads.waitersForTesting == 0)
    }

    @Test("given a request under way that waits for the budget, when a caller's deadline comes first, or the caller may not wait for the budget, then that caller asks for itself rather than wait on it",
          .timeLimit(.minutes(1)), arguments: [true, false])
    func waitsNoLongerThanItsOwn(shortDeadline: Bool) async throws {
        // given
        let given = Fixture()
        let (first, release) = try await given.held(next: 7, deadline: .now + .seconds(60))
        // when: a caller whose deadline is 100 ms off joins it and is let go then; one that may
        // not wait asks at once, with a request to spare only
        var spare: Bool?
        let own = try await given.reads.read(next: 7, deadline: .now + (shortDeadline ? .milliseconds(100) : .seconds(60)),
                                             mayWait: shortDeadline) { spareOnly throws(ConnectorError) in
            spare = spareOnly
            return try given.upstream.fetch()
        }
        release()
        // then: answered while the other request is still held
        #expect(own.page.next == 1)
        #expect(spare == !shortDeadline)
        #expect(try await first.value.page.next == 2)
    }

    @Test("given a request under way that asks only with a request to spare (it has a stand-in), then a caller that may not wait for the budget waits on it",
          .timeLimit(.minutes(1)))
    func mayNotWaitJoinsASpareRequest() async throws {
        // given: an answer past the window, and a caller asking with it as a stand-in, held
        let given = Fixture()
        #expect(try await given.ask(7) == 1)
        given.wall.shift(byMilliseconds: 2_000)
        let (first, release) = try await given.held(next: 7)
        // when
        async let joined = given.reads.read(next: 7, deadline: .now + .seconds(60), mayWait: false) { spareOnly throws(ConnectorError) in
            try given.upstream.fetch(spareOnly: spareOnly)
        }
        try await Self.waitUntil(given.reads, hasWaiters: 1)
        release()
        // then
        #expect(try await first.value.page.next == 2)
        #expect(try await joined.page.next == 2)
        #expect(given.upstream.fetches == 2)
    }

    @Test("given a caller waiting on another's answer, when its task is cancelled, then it stops waiting at once", .timeLimit(.minutes(1)))
    func cancelledWaiterLeaves() async throws {
        // given
        let given = Fixture()
        let (first, release) = try await given.held(next: 7)
        let waiter = Task {
            try await given.reads.read(next: 7) { _ throws(ConnectorError) in
                guard !Task.isCancelled else { throw .upstreamTimeout(nil) }
                return try given.upstream.fetch()
            }
        }
        try await Self.waitUntil(given.reads, hasWaiters: 1)
        // when
        waiter.cancel()
        // then: it ends (as its own cancelled request would) while the request it waited on is held
        let outcome = await waiter.result
        #expect(throws: ConnectorError.self) { try outcome.get() }
        #expect(given.reads.waitersForTesting == 0)
        release()
        #expect(try await first.value.page.next == 1)
    }

    @Test("given an answer that can stand in, when the attempt with a request to spare fails for a passing reason and the one that may wait is refused for rate, then the stand-in is given; not when the attempt took it past 10 s",
          .timeLimit(.minutes(1)))
    func standInAfterARetryRefusedForRate() async throws {
        // given: an answer, past the window
        let given = Fixture()
        #expect(try await given.ask(5) == 1)
        given.wall.shift(byMilliseconds: 5_000)
        // when / then
        let read = try await given.reads.read(next: 5) { spareOnly throws(ConnectorError) -> WildberriesEventRead in
            if spareOnly { throw .upstreamUnavailable(retryAfter: nil, nil) }
            throw .upstreamRateLimited(retryAfter: .seconds(5), nil)
        }
        #expect(read.page.next == 1)
        // a spare-only attempt that takes 5 s more leaves an answer 10 s old: it no longer stands in
        let late = try await given.reads.read(next: 5) { spareOnly throws(ConnectorError) -> WildberriesEventRead in
            guard !spareOnly else {
                given.wall.shift(byMilliseconds: 5_000)
                throw .upstreamRateLimited(retryAfter: .seconds(1), nil)
            }
            return try given.upstream.fetch()
        }
        #expect(late.page.next == 2)
    }

    @Test("given two requests of one place under way (a catch-up asks for itself beside a poll waiting for the budget), when the one asked first is answered last, then the newer answer is the one given again",
          .timeLimit(.minutes(1)))
    func olderAnswerDoesNotReplaceANewer() async throws {
        // given: a request asked at 100, held; a caller that may not wait asks at 200, answered at once
        let given = Fixture()
        let (gate, open) = AsyncStream<Void>.makeStream()
        let (reads, deadline) = (given.reads, ContinuousClock.now + .seconds(60))
        let older = Task {
            try await reads.read(next: 7, deadline: deadline, mayWait: true) { _ async throws(ConnectorError) -> WildberriesEventRead in
                for await _ in gate { break }
                do { return try Self.read(100) } catch { throw .invalidRequest(field: nil, reason: "page") }
            }
        }
        try await Self.waitUntil(reads, isAsking: 1)
        let newer = try await reads.read(next: 7, deadline: deadline, mayWait: false) { _ throws(ConnectorError) in
            do { return try Self.read(200) } catch { throw .invalidRequest(field: nil, reason: "page") }
        }
        #expect(newer.askedAt == 200)
        // when: the one asked first comes last
        open.yield()
        #expect(try await older.value.askedAt == 100)
        // then: within the window the newer answer is given, not one older than an answer given already
        #expect(try await given.reads.read(next: 7) { _ throws(ConnectorError) in try given.upstream.fetch() }.askedAt == 200)
    }

    @Test("given a window of zero, then every read asks Wildberries")
    func zeroWindow() async throws {
        let reads = WildberriesEventReads(window: .zero, unixMilliseconds: { 0 })
        let upstream = Upstream()
        for expected in 1...3 {
            #expect(try await reads.read(next: 5) { _ throws(ConnectorError) in try upstream.fetch() }.page.next == Int64(expected))
        }
    }
}

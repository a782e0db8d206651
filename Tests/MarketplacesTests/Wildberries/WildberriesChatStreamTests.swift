import Connectors
import Foundation
import MarketplaceSimulator
@testable import Marketplaces
import Synchronization
import Testing

/// The chat connector's `updates` against a scripted event stream and a clock the test moves:
/// answers that come late, seconds holding a page-full of events, and random streams written
/// into at seconds still open. Each event must be reported exactly once.
@Suite("Wildberries chat connector: updates over a scripted stream")
struct WildberriesChatStreamTests {
    typealias Env = WildberriesTestEnvironment

    /// A chat connector reading a scripted stream (`host`), with this machine's clock standing
    /// at `clock` until the test moves it.
    struct Reader {
        let host: WildberriesStreamHost
        let clock = StandingWallClock()
        let chat: any ChannelConnector
        let server: SimulatorServer

        /// `skew`: this machine's clock runs that far ahead of the real time, which the stream's
        /// answers carry in their `Date` (read when given); nil: the standing `clock`.
        /// `share`: how long the stream's answers are given again to the tenant's callers.
        init(pageSize: Int, skew: Int64? = nil, share: Duration = .zero) throws {
            host = WildberriesStreamHost(pageSize: pageSize)
            server = SimulatorServer(host: host)
            try server.start()
            let registry = ConnectorRegistry()
            let clock = clock
            let now: @Sendable () -> Int64
            if let skew {
                now = { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) + skew }
            } else {
                now = { clock.now }
            }
            WildberriesConnectors.register(in: registry,
                                           endpoints: MarketplaceEndpoints(wildberriesFeedbacks: server.baseURL, wildberriesChat: server.baseURL),
                                           options: Env.connectorOptions {
                                               $0.retry = .none
                                               $0.unixMilliseconds = now
                                               $0.chatClockFromDate = skew != nil
                                               $0.chatEventsShareWindow = share
                                           })
            chat = try registry.connector(for: ConnectorKey(.wildberries, .chat), tenant: "t",
                                          credentials: MarketplaceCredentials(marketplace: .wildberries, fields: ["token": "t0ken-of-the-tenant"]))
        }

        func poll(_ cursor: Cursor?, limit: Int = 50) async throws -> UpdatesPage {
            try await chat.updates(since: cursor, limit: limit, deadline: Env.deadline)
        }

        /// `times` polls from `cursor` on, `clock` moved by `shift` ms after each: the chats
        /// reported, in order, and the last cursor.
        func poll(_ cursor: Cursor?, times: Int, limit: Int = 50, moving clock: StandingWallClock,
                  by shift: Int64) async throws -> (reported: [String], cursor: Cursor?) {
            var reported: [String] = []
            var cursor = cursor
            for _ in 0..<times {
                let page = try await poll(cursor, limit: limit)
                reported += page.items.map(\.id)
                cursor = page.nextCursor
                clock.shift(byMilliseconds: shift)
            }
            return (reported, cursor)
        }
    }

    /// Runs `body` with a reader of a stream with pages of `pageSize`, and stops its server after.
    static func withReader(pageSize: Int = 100, skew: Int64? = nil, share: Duration = .zero,
                           _ body: (Reader) async throws -> Void) async throws {
        let reader = try Reader(pageSize: pageSize, skew: skew, share: share)
        do {
            try await body(reader)
        } catch {
            await reader.server.stop()
            throw error
        }
        await reader.server.stop()
    }

    /// "a" at `open` and "b" `later` ms on (then `extra`), read by one poll; then "c" taken late
    /// at `open`: the next poll, returned, reports it alone.
    static func lateEvent(_ reader: Reader, open: Int64, later: Int64 = 1000, extra: [(String, Int64)] = []) async throws -> UpdatesPage {
        reader.host.add("a", at: open)
        reader.host.add("b", at: open + later)
        for (id, at) in extra { reader.host.add(id, at: at) }
        let first = try await reader.poll(nil)
        #expect(first.items.map(\.id) == ["1:a", "1:b"] + extra.map { "1:\($0.0)" })
        reader.host.add("c", at: open)
        let second = try await reader.poll(first.nextCursor)
        #expect(second.items.map(\.id) == ["1:c"])
        return second
    }

    @Test("given a poll that read a second still open and a later one, when Wildberries takes another event at the open second, then the next poll reports it, and nothing twice",
          .timeLimit(.minutes(1)))
    func lateEventUnderALaterSecond() async throws {
        try await Self.withReader { reader in
            let (host, wallClock) = (reader.host, reader.clock)
            let open = (wallClock.now / 1000 - 1) * 1000
            // given: an event at a second still open and one two seconds on, read by one poll;
            // when: Wildberries takes one more at the open second; then the next poll reports it
            let second = try await Self.lateEvent(reader, open: open, later: 2000)
            // and once every second is over, the polls report nothing again
            wallClock.shift(byMilliseconds: 60_000)
            let (quiet, cursor) = try await reader.poll(second.nextCursor, times: 3, moving: wallClock, by: 0)
            #expect(quiet.isEmpty)
            host.add("d", at: open + 61_000)
            let last = try await reader.poll(cursor)
            #expect(last.items.map(\.id) == ["1:d"])
        }
    }

    @Test("given a chat reported with its newest message, when an older message of it comes late at a second still open, then the chat is reported with the newest still, and the late one once under a one-event limit",
          .timeLimit(.minutes(1)))
    func lateOlderMessageKeepsTheNewest() async throws {
        try await Self.withReader { reader in
            let (host, wallClock) = (reader.host, reader.clock)
            let open = (wallClock.now / 1000 - 1) * 1000
            // given
            host.add("newer", at: open + 1000, chat: "x")
            let first = try await reader.poll(nil)
            #expect(first.items.map { $0.lastMessage?.text } == ["newer"])
            // when: Wildberries takes an older message of the chat at the open second
            host.add("older", at: open, chat: "x")
            let second = try await reader.poll(first.nextCursor)
            // then: the chat has news, and its last message is still the newest
            #expect(second.items.map(\.id) == ["1:x"])
            #expect(second.items.first?.lastMessage?.id == "newer")
            #expect(second.items.first?.lastMessage?.text == "newer")
            // a client that has not passed the newer one yet is shown each in turn
            let one = try await reader.poll(nil, limit: 1)
            let two = try await reader.poll(one.nextCursor, limit: 1)
            #expect([one, two].map { $0.items.first?.lastMessage?.id } == ["older", "newer"])
        }
    }

    @Test("given a request whose answer took 8 s, when Wildberries takes another event at a second still open, then a later poll reports it",
          .timeLimit(.minutes(1)))
    func slowAnswerTeachesNoLead() async throws {
        try await Self.withReader { reader in
            let (host, wallClock) = (reader.host, reader.clock)
            // given: both clocks agree; the first request is out for 8 s, and buyers write meanwhile
            let first = Atomic<Bool>(true)
            let open = ((wallClock.now + 8_000) / 1000 - 1) * 1000
            host.beforeEachAnswer { _ in
                guard first.exchange(false, ordering: .relaxed) else { return }
                wallClock.shift(byMilliseconds: 8_000)
                host.add("a", at: open)
                host.add("b", at: open + 1000)
            }
            let one = try await reader.poll(nil)
            #expect(one.items.map(\.id) == ["1:a", "1:b"])
            let two = try await reader.poll(one.nextCursor)
            #expect(two.items.isEmpty)
            // when: Wildberries takes one more at the open second
            host.add("c", at: open)
            let (reported, _) = try await reader.poll(two.nextCursor, times: 3, moving: wallClock, by: 20_000)
            // then
            #expect(reported == ["1:c"])
        }
    }

    @Test("given a second holding a page-full of events, when a later event is kept ahead of it, then the feed goes on once the second is over",
          .timeLimit(.minutes(1)))
    func pageFullSecondUnderEventsKeptAhead() async throws {
        try await Self.withReader(pageSize: 3) { reader in
            let (host, wallClock) = (reader.host, reader.clock)
            // given: a second a minute old with a page-full of events, read to the end
            let full = (wallClock.now / 1000 - 60) * 1000
            host.add("x", at: full - 1000)
            for id in ["w1", "w2", "w3"] { host.add(id, at: full) }
            var cursor: Cursor?
            var drained: [String] = []
            for _ in 0..<10 {
                let page = try await reader.poll(cursor)
                drained += page.items.map(\.id)
                cursor = page.nextCursor
                if !page.hasMore { break }
            }
            #expect(drained == ["1:x", "1:w1", "1:w2", "1:w3"])
            // when: a buyer writes now, another a minute later
            let now = (wallClock.now / 1000) * 1000
            host.add("e", at: now)
            let fresh = try await reader.poll(cursor)
            #expect(fresh.items.map(\.id) == ["1:e"])
            cursor = fresh.nextCursor
            host.add("z", at: now + 60_000)
            wallClock.shift(byMilliseconds: 120_000)
            let (reported, _) = try await reader.poll(cursor, times: 10, moving: wallClock, by: 10_000)
            // then
            #expect(reported == ["1:z"])
        }
    }

    @Test("given late events at a second still open under one kept ahead, when that second fills a page, then nothing is lost and the feed goes on",
          .timeLimit(.minutes(1)))
    func pageFullOpenSecondUnderEventsKeptAhead() async throws {
        try await Self.withReader(pageSize: 3) { reader in
            let (host, wallClock) = (reader.host, reader.clock)
            let open = (wallClock.now / 1000 - 1) * 1000
            host.add("f", at: open)
            host.add("e", at: open + 1000)
            let one = try await reader.poll(nil)
            #expect(one.items.map(\.id) == ["1:f", "1:e"])
            // when: Wildberries takes two more at the open second, which then holds a page-full
            host.add("g", at: open)
            host.add("h", at: open)
            wallClock.shift(byMilliseconds: 60_000)
            let two = try await reader.poll(one.nextCursor)
            #expect(two.items.map(\.id) == ["1:g", "1:h"])
            host.add("z", at: open + 120_000)
            wallClock.shift(byMilliseconds: 300_000)
            let (reported, _) = try await reader.poll(two.nextCursor, times: 10, moving: wallClock, by: 10_000)
            // then
            #expect(reported == ["1:z"])
        }
    }

    @Test("given more events in the last seconds than a page holds, when the stream is read from its start, then the connector counts its history known",
          .timeLimit(.minutes(1)))
    func busyStreamCountsAsCaughtUp() async throws {
        try await Self.withReader(pageSize: 3) { reader in
            let (host, wallClock) = (reader.host, reader.clock)
            let connector = try #require(reader.chat as? WildberriesChatConnector)
            // given: two events a minute old, then four in the second now open
            let now = (wallClock.now / 1000) * 1000
            host.add("x1", at: now - 60_000)
            host.add("x2", at: now - 59_000)
            for id in ["f1", "f2", "f3", "f4"] { host.add(id, at: now) }
            // when
            let page = try await reader.poll(nil)
            // then: the reading stops below the open second, all but its last few seconds read
            #expect(!page.hasMore)
            #expect(connector.ledger.hasCaughtUp)
        }
    }

    @Test("given a stream whose page comes short mid-way, when the connector reads it from its start, then it counts its history known only once it has read to the stream's end",
          .timeLimit(.minutes(1)))
    func shortPageMidStreamIsNotTheEnd() async throws {
        try await Self.withReader(pageSize: 4) { reader in
            let (host, wallClock) = (reader.host, reader.clock)
            let connector = try #require(reader.chat as? WildberriesChatConnector)
            // given: nine events a second apart, minutes old; the second page holds two
            let start = (wallClock.now / 1000) * 1000 - 600_000
            for index in 1...9 { host.add("e\(index)", at: start + Int64(index) * 1000) }
            host.shortenPages([4, 2])
            // when
            try await connector.catchUp(deadline: Env.deadline)
            // then: the reading went on past the short page to the stream's end
            #expect(connector.ledger.hasCaughtUp)
            #expect(host.asked.last == start + 9000, "asked \(host.asked)")
        }
    }

    @Test("given a stream whose short page holds only the rest of the last second read, when the connector reads it from its start, then it goes on past that second to the stream's end",
          .timeLimit(.minutes(1)))
    func shortPageOfTheLastSecondIsNotTheEnd() async throws {
        try await Self.withReader(pageSize: 4) { reader in
            let (host, wallClock) = (reader.host, reader.clock)
            let connector = try #require(reader.chat as? WildberriesChatConnector)
            // given: minutes-old events, two in the fourth second, so the first page ends inside
            // it; the second page holds that second's rest alone
            let start = (wallClock.now / 1000) * 1000 - 600_000
            for index in 1...3 { host.add("e\(index)", at: start + Int64(index) * 1000) }
            host.add("e4", at: start + 4000)
            host.add("e5", at: start + 4000)
            for index in 6...9 { host.add("e\(index)", at: start + Int64(index) * 1000) }
            host.shortenPages([4, 2])
            // when
            try await connector.catchUp(deadline: Env.deadline)
            // then
            #expect(connector.ledger.hasCaughtUp)
            #expect(host.asked.last == start + 9000, "asked \(host.asked)")
        }
    }

    /// The real time's whole second, `seconds` from now (Wildberries' clock in these tests).
    static func realSecond(_ seconds: Int64) -> Int64 {
        (Int64(Date().timeIntervalSince1970) + seconds) * 1000
    }

    @Test("given this machine's clock 6 s ahead of Wildberries' (as its answers' Date shows), when Wildberries takes a late event at a second 1 s old, then it is reported",
          .timeLimit(.minutes(1)))
    func clockAheadOfWildberries() async throws {
        try await Self.withReader(skew: 6_000) { reader in
            // given: a second 1 s old by Wildberries' clock, and a later one, read by one poll;
            // when: Wildberries takes another event at the open second; then it is reported
            _ = try await Self.lateEvent(reader, open: Self.realSecond(-1))
        }
    }

    @Test("given one event stamped ten minutes ahead of Wildberries' clock, when Wildberries takes a late event at a second still open, then it is reported",
          .timeLimit(.minutes(1)))
    func oddFutureEventTime() async throws {
        try await Self.withReader(skew: 0) { reader in
            _ = try await Self.lateEvent(reader, open: Self.realSecond(-1), extra: [("f", Self.realSecond(600))])
        }
    }

    /// SplitMix64: the same streams on every run.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test("given random streams written into at seconds up to 4 s old, polled with random limits, answers quick or slow, by one client or three sharing the stream's answers, then each client gets every event once",
          .timeLimit(.minutes(3)), arguments: [(false, 1), (true, 1), (false, 3), (true, 3)])
    func randomStreams(slowAnswers: Bool, clients: Int) async throws {
        var failures: [String] = []
        for seed in 1...12 {
            var random = Seeded(state: UInt64(seed))
            // A second holds a page-full at most: what a page cannot hold of one second no client reaches.
            let pageSize = Int.random(in: 2...6, using: &random)
            var added: [String] = []
            var reported = Array(repeating: [String](), count: clients)
            try await Self.withReader(pageSize: pageSize, share: clients > 1 ? .seconds(3) : .zero) { reader in
                let (host, wallClock) = (reader.host, reader.clock)
                if slowAnswers {
                    let answers = Atomic<Int64>(Int64(seed))
                    host.beforeEachAnswer { _ in
                        wallClock.shift(byMilliseconds: (answers.add(1, ordering: .relaxed).newValue &* 7919) % 3000)
                    }
                }
                var perSecond: [Int64: Int] = [:]
                var cursors = Array(repeating: Cursor?.none, count: clients)
                for _ in 0..<60 {
                    for _ in 0..<Int.random(in: 0...3, using: &random) {
                        let second = (wallClock.now / 1000 - Int64.random(in: 0...4, using: &random)) * 1000
                        guard perSecond[second, default: 0] < pageSize else { continue }
                        perSecond[second, default: 0] += 1
                        added.append("1:e\(added.count)")
                        host.add("e\(added.count - 1)", at: second)
                    }
                    // Each client polls or not, in a random order; with three, answers come shared.
                    for client in (0..<clients).shuffled(using: &random) where clients == 1 || Bool.random(using: &random) {
                        let page = try await reader.poll(cursors[client], limit: Int.random(in: 1...5, using: &random))
                        reported[client] += page.items.map(\.id)
                        cursors[client] = page.nextCursor
                        wallClock.shift(byMilliseconds: Int64.random(in: 0...(2500 / Int64(clients)), using: &random))
                    }
                }
                wallClock.shift(byMilliseconds: 60_000)
                // Then each client polls, a second apart, until three polls in a row are quiet.
                for client in 0..<clients {
                    var quiet = 0
                    for _ in 0..<200 where quiet < 3 {
                        let page = try await reader.poll(cursors[client], limit: 5)
                        reported[client] += page.items.map(\.id)
                        cursors[client] = page.nextCursor
                        quiet = page.items.isEmpty && !page.hasMore ? quiet + 1 : 0
                        wallClock.shift(byMilliseconds: 1_000)
                    }
                }
            }
            for (client, reported) in reported.enumerated() {
                let missing = Set(added).subtracting(reported)
                let repeated = reported.count - Set(reported).count
                if !missing.isEmpty || repeated > 0 {
                    failures.append("seed \(seed), pages of \(pageSize), client \(client): \(missing.count) of \(added.count) missing, \(repeated) repeated")
                }
            }
        }
        #expect(failures.isEmpty)
    }
}

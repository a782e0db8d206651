import Connectors
import Foundation
import MarketplaceSimulator
import Marketplaces
import Testing

/// A tenant's clients polling the chat feed at once share the event stream's answers: what
/// Wildberries allows the chat host (10 requests in 10 s) is spent once for all of them.
@Suite("Wildberries chat connector: the stream's answers shared")
struct WildberriesChatSharedReadsTests {
    typealias Env = WildberriesTestEnvironment
    typealias Stream = WildberriesChatStreamTests

    /// Polls from `cursor` until a poll says there is no more; the chats reported and the cursor.
    static func drain(_ reader: Stream.Reader, from cursor: Cursor?) async throws -> (reported: [String], cursor: Cursor?) {
        var reported: [String] = []
        var cursor = cursor
        for _ in 0..<20 {
            let page = try await reader.poll(cursor)
            reported += page.items.map(\.id)
            cursor = page.nextCursor
            if !page.hasMore { break }
        }
        return (reported, cursor)
    }

    @Test("given ten clients of one tenant caught up on the stream, when they poll at once, then Wildberries is asked as often as for one client alone, and a poll a window later asks again",
          .timeLimit(.minutes(1)))
    func tenClientsAskOnce() async throws {
        try await Stream.withReader(share: .seconds(1)) { reader in
            let (host, wallClock) = (reader.host, reader.clock)
            // given: a stream whose seconds are all over, read to its end
            let old = (wallClock.now / 1000 - 60) * 1000
            host.add("a", at: old)
            host.add("b", at: old + 1000)
            let (history, cursor) = try await Self.drain(reader, from: nil)
            #expect(history == ["1:a", "1:b"])
            wallClock.shift(byMilliseconds: 1_000)
            // when: ten clients poll from there at once
            let before = host.asked.count
            let pages = try await withThrowingTaskGroup(of: UpdatesPage.self) { group in
                for _ in 0..<10 { group.addTask { try await reader.poll(cursor) } }
                return try await group.reduce(into: [UpdatesPage]()) { $0.append($1) }
            }
            let together = host.asked.count - before
            // then: as many requests as one client's poll asks alone, a window later
            wallClock.shift(byMilliseconds: 1_000)
            let alone = try await reader.poll(cursor)
            let lone = host.asked.count - before - together
            #expect(lone >= 1)
            #expect(together == lone)
            #expect(pages.allSatisfy { $0.items.isEmpty && $0.nextCursor == alone.nextCursor })
        }
    }

    @Test("given a poll just answered, when Wildberries takes an event, then a poll within the window is told nothing yet, and the first after it reports the event once",
          .timeLimit(.minutes(1)))
    func newsComesAWindowLater() async throws {
        try await Stream.withReader(share: .seconds(1)) { reader in
            let (host, wallClock) = (reader.host, reader.clock)
            // given
            host.add("a", at: (wallClock.now / 1000 - 60) * 1000)
            let (_, cursor) = try await Self.drain(reader, from: nil)
            let idle = try await reader.poll(cursor)
            #expect(idle.items.isEmpty)
            // when
            host.add("b", at: (wallClock.now / 1000 - 1) * 1000)
            wallClock.shift(byMilliseconds: 900)
            let within = try await reader.poll(idle.nextCursor)
            wallClock.shift(byMilliseconds: 100)
            let after = try await reader.poll(within.nextCursor)
            // then
            #expect(within.items.isEmpty)
            #expect(after.items.map(\.id) == ["1:b"])
            let (quiet, _) = try await reader.poll(after.nextCursor, times: 8, moving: wallClock, by: 1_000)
            #expect(quiet.isEmpty)
        }
    }

    @Test("given a client caught up on the feed, when the connector sends a reply, then the next poll, within the window, reports the chat with the reply as its last message",
          .timeLimit(.minutes(1)))
    func replyIsNotHiddenBySharing() async throws {
        try await Env.with(connector: Env.connectorOptions { $0.chatEventsShareWindow = .seconds(60) }) { env in
            // given
            let cursor = try await env.drainedChat()
            let idle = try await env.chat.updates(since: cursor, limit: 100, deadline: Env.deadline)
            #expect(idle.items.isEmpty)
            let chat = try #require(env.simulator.chats.chats.first)
            // when
            _ = try await env.chat.reply(to: chat.chatID, text: "Спасибо, отправили", deadline: Env.deadline)
            let page = try await env.chat.updates(since: idle.nextCursor, limit: 100, deadline: Env.deadline)
            // then
            #expect(page.items.map(\.id) == [chat.chatID])
            #expect(page.items.first?.lastMessage?.text == "Спасибо, отправили")
        }
    }

    @Test("given a poll answered and a chat budget with one request left, when a poll comes past the window, then the answer stands in and the last request is left for lists and replies",
          .timeLimit(.minutes(1)))
    func standInLeavesTheLastRequest() async throws {
        let host = WildberriesStreamHost(pageSize: 10)
        let server = SimulatorServer(host: host)
        try server.start()
        let wall = StandingWallClock()
        let registry = ConnectorRegistry()
        WildberriesConnectors.register(in: registry,
                                       endpoints: MarketplaceEndpoints(wildberriesFeedbacks: server.baseURL, wildberriesChat: server.baseURL),
                                       options: Env.connectorOptions {
                                           $0.retry = .none
                                           $0.unixMilliseconds = { wall.now }
                                           $0.chatRateLimit = RateLimit(burst: 2, interval: .seconds(600))
                                           $0.chatEventsShareWindow = .seconds(1)
                                       })
        let chat = try registry.connector(for: ConnectorKey(.wildberries, .chat), tenant: "t",
                                          credentials: MarketplaceCredentials(marketplace: .wildberries, fields: ["token": "t0ken-of-the-tenant"]))
        // given: an empty stream, asked once (one request of two left)
        let first = try await chat.updates(since: nil, limit: 10, deadline: Env.deadline)
        #expect(first.items.isEmpty)
        #expect(host.asked.count == 1)
        // when: past the window
        wall.shift(byMilliseconds: 2_000)
        let second = try await chat.updates(since: nil, limit: 10, deadline: Env.deadline)
        // then: the answer stood in, and the last request is still there for a reply
        #expect(second.items.isEmpty)
        #expect(host.asked.count == 1)
        // past 10 s the old answer no longer stands in: the last request is spent on the stream
        wall.shift(byMilliseconds: 11_000)
        let third = try await chat.updates(since: nil, limit: 10, deadline: Env.deadline)
        #expect(third.items.isEmpty)
        #expect(host.asked.count == 2)
        await server.stop()
    }
}

import Connectors
import Foundation
import MarketplaceSimulator
import Marketplaces
import Testing

/// The chat connector's `updates`: the event stream read exactly once, across pages, seconds
/// split by a page, crowded seconds and refusals of the reading's position.
@Suite("Wildberries chat connector: updates")
struct WildberriesChatUpdatesTests {
    typealias Env = WildberriesTestEnvironment

    @Test("updates one event at a time replay the stream exactly, across pages and the cursor's edge", .timeLimit(.minutes(1)))
    func updatesExact() async throws {
        try await Env.with { env in
            // Two buyer messages in the same millisecond: the page (of 4) and the cursor edge fall among them.
            let chats = env.simulator.chats.chats
            let stamp = (env.simulator.chats.events.last?.addTimestamp ?? 0) + 1
            env.simulator.chats.addBuyerMessage(chatID: chats[0].chatID, text: "Первое", at: stamp)
            env.simulator.chats.addBuyerMessage(chatID: chats[1].chatID, text: "Второе", at: stamp)
            var messages: [String] = []
            var cursor: Cursor?
            for _ in 0..<200 {
                let page = try await env.chat.updates(since: cursor, limit: 1, deadline: Env.deadline)
                #expect(page.items.count <= 1)
                messages += page.items.compactMap { $0.lastMessage?.id }
                cursor = page.nextCursor
                if !page.hasMore { break }
            }
            #expect(messages == env.simulator.chats.events.filter { $0.text != nil }.map(\.eventID))

            // Messages arriving between calls, one of them in the cursor's own millisecond.
            let edge = try #require(env.simulator.chats.events.last?.addTimestamp)
            let late = try #require(env.simulator.chats.addBuyerMessage(chatID: chats[2].chatID, text: "Опоздавшее", at: edge))
            let next = try #require(env.simulator.addBuyerMessage(chatID: chats[3].chatID, text: "Hello again"))
            let page = try await env.chat.updates(since: cursor, limit: 10, deadline: Env.deadline)
            #expect(page.items.compactMap { $0.lastMessage?.id } == [late.eventID, next.eventID])
            #expect(page.items.allSatisfy { $0.status == .unanswered })
            let again = try await env.chat.updates(since: page.nextCursor, limit: 10, deadline: Env.deadline)
            #expect(again.items.isEmpty)
            #expect(!again.hasMore)
        }
    }

    @Test("updates in larger pages show each changed chat once with its newest message", .timeLimit(.minutes(1)))
    func updatesCollapsed() async throws {
        try await Env.with { env in
            var cursor = try await env.chat.updates(since: nil, limit: 100, deadline: Env.deadline).nextCursor
            var drained = false
            for _ in 0..<20 where !drained {
                let page = try await env.chat.updates(since: cursor, limit: 100, deadline: Env.deadline)
                cursor = page.nextCursor
                drained = !page.hasMore
            }
            let chat = try #require(env.simulator.chats.chats.first)
            env.simulator.addBuyerMessage(chatID: chat.chatID, text: "Вы здесь?")
            let newest = try #require(env.simulator.addBuyerMessage(chatID: chat.chatID, text: "Жду ответа"))
            let page = try await env.chat.updates(since: cursor, limit: 100, deadline: Env.deadline)
            #expect(page.items.map(\.id) == [chat.chatID])
            #expect(page.items.first?.lastMessage?.id == newest.eventID)
            #expect(page.items.first?.text == "Жду ответа")
            #expect(page.items.first?.author?.name == chat.clientName)
        }
    }

    @Test("given a message a list has shown, when updates report it, then its time is the list's, to the millisecond", .timeLimit(.minutes(1)))
    func updatesTimeAsTheListShowsIt() async throws {
        try await Env.with { env in
            // given: updates read to the end, a buyer's message at 0.7 s past a second, then a list
            let cursor = try await env.drainedChat()
            let chatID = try #require(env.simulator.chats.chats.first?.chatID)
            env.simulator.chats.addBuyerMessage(chatID: chatID, text: "Ещё вопрос", at: env.second(after: 2) + 700)
            let listed = try await env.chat.listItems(ListQuery(limit: 100), deadline: Env.deadline).items.first { $0.id == chatID }
            // when
            let page = try await env.chat.updates(since: cursor, limit: 100, deadline: Env.deadline)
            // then: the same message at the same time in both, not the stream's whole second in one
            let reported = try #require(page.items.first { $0.id == chatID })
            #expect(reported.lastMessage?.text == "Ещё вопрос")
            #expect(reported.lastMessage?.createdAt == listed?.lastMessage?.createdAt)
            #expect((reported.lastMessage?.createdAt.millisecondsSinceEpoch ?? 0) % 1000 == 700)
        }
    }

    @Test("given a second whose events a page boundary splits, then updates report each of them once", .timeLimit(.minutes(1)))
    func updatesAcrossASplitSecond() async throws {
        try await Env.with(simulator: Env.simulatorOptions { $0.eventsPageSize = 3 }) { env in
            // given: the stream read to its end at a second of one event, then one event in the
            // next second, three in the one after (the page of three from the cursor ends inside
            // it) and one more
            let chats = env.simulator.chats.chats
            try #require(chats.count >= 5)
            env.simulator.chats.addBuyerMessage(chatID: chats[0].chatID, text: "Начало", at: env.second(after: 5))
            let cursor = try await env.drainedChat()
            let base = env.second(after: 1)
            var expected: [String] = []
            for (index, chat) in chats[1..<5].enumerated() {
                let at = base + (index == 0 ? 0 : index == 3 ? 2000 : 1000) + Int64(index)
                expected.append(try #require(env.simulator.chats.addBuyerMessage(chatID: chat.chatID, text: "Вопрос \(index)", at: at)).eventID)
            }
            // when
            let page = try await env.chat.updates(since: cursor, limit: 100, deadline: Env.deadline)
            // then: all four, none lost at the split; and nothing again after
            #expect(page.items.compactMap { $0.lastMessage?.id } == expected)
            #expect(!page.hasMore)
            let again = try await env.chat.updates(since: page.nextCursor, limit: 100, deadline: Env.deadline)
            #expect(again.items.isEmpty)
        }
    }

    @Test("given more events in one second than a few dozen, then each is reported once and later calls repeat none", .timeLimit(.minutes(1)))
    func updatesCrowdedSecond() async throws {
        try await Env.with(simulator: Env.simulatorOptions { $0.eventsPageSize = 100; $0.chatCount = 40 }) { env in
            let cursor = try await env.drainedChat()
            // given: a message in each of 40 chats, all in one second
            let at = env.second(after: 3)
            for (index, chat) in env.simulator.chats.chats.enumerated() {
                env.simulator.chats.addBuyerMessage(chatID: chat.chatID, text: "Сообщение \(index)", at: at + Int64(index))
            }
            // when: updates are read on and on
            let first = try await env.chat.updates(since: cursor, limit: 100, deadline: Env.deadline)
            #expect(first.items.count == 40)
            var next = first.nextCursor
            for _ in 0..<3 {
                let again = try await env.chat.updates(since: next, limit: 100, deadline: Env.deadline)
                // then: nothing comes twice
                #expect(again.items.isEmpty)
                next = again.nextCursor
            }
        }
    }

    @Test("given a reply and a buyer's message in one second, then updates keep Wildberries' order: who wrote last decides", .timeLimit(.minutes(1)))
    func updatesKeepTheStreamsOrderWithinASecond() async throws {
        try await Env.with(simulator: Env.simulatorOptions { $0.chatCount = 8; $0.eventsPageSize = 100 }) { env in
            let chats = env.simulator.chats.chats
            let cursor = try await env.drainedChat()
            // given: in one second, four chats where the buyer wrote and the seller answered, and
            // four where the seller wrote and the buyer answered back (event ids are random, so
            // only the stream's order tells which came last)
            let at = env.second(after: 30) + 500
            for chat in chats[0..<4] {
                env.simulator.chats.addBuyerMessage(chatID: chat.chatID, text: "Где заказ?", at: at)
                _ = try await env.chat.reply(to: chat.chatID, text: "Уже в пути", deadline: Env.deadline)
            }
            for chat in chats[4..<8] {
                _ = try await env.chat.reply(to: chat.chatID, text: "Есть вопросы?", deadline: Env.deadline)
                env.simulator.chats.addBuyerMessage(chatID: chat.chatID, text: "Да, есть", at: at)
            }
            try #require(env.simulator.chats.events.suffix(16).allSatisfy { $0.addTimestamp == at })
            // when
            let page = try await env.chat.updates(since: cursor, limit: 100, deadline: Env.deadline)
            // then
            let byID = Dictionary(page.items.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            for chat in chats[0..<4] {
                #expect(byID[chat.chatID]?.status == .answered)
                #expect(byID[chat.chatID]?.lastMessage?.text == "Уже в пути")
            }
            for chat in chats[4..<8] {
                #expect(byID[chat.chatID]?.status == .unanswered)
                #expect(byID[chat.chatID]?.lastMessage?.text == "Да, есть")
            }
        }
    }

    @Test("given an event stream that refuses the connector's position, then the list still answers and the reading starts over", .timeLimit(.minutes(1)))
    func refusedStreamPosition() async throws {
        let options = Env.connectorOptions { $0.retry = .none }
        try await Env.with(connector: options) { env in
            // given: the stream answers a 400 to the catch-up's first page
            env.refuseStreamPosition()
            // when
            let page = try await env.chat.listItems(ListQuery(limit: 10), deadline: Env.deadline)
            // then: the chats are listed, and the next list reads the stream from its start
            #expect(page.items.count == env.simulator.chats.chats.count)
            let before = env.simulator.chatLog.count(path: "/api/v1/seller/events", method: "GET")
            let again = try await env.chat.listItems(ListQuery(limit: 10), deadline: Env.deadline)
            #expect(env.simulator.chatLog.count(path: "/api/v1/seller/events", method: "GET") > before)
            #expect(again.items.allSatisfy { $0.lastMessage?.sender != nil })
        }
    }

    @Test("given more events in one second than the cursor keeps keys for, on one page, then none of them is dropped when the edge closes",
          .timeLimit(.minutes(1)))
    func edgeClosingKeepsThePage() async throws {
        try await Env.with(simulator: Env.simulatorOptions { $0.eventsPageSize = 300; $0.chatCount = 2 }) { env in
            let cursor = try await env.drainedChat()
            // given: 200 messages in one second, alternating between two chats
            let chats = env.simulator.chats.chats
            let at = env.second(after: 3)
            var last: [String: String] = [:]
            for index in 0..<200 {
                let chat = chats[index % 2].chatID
                last[chat] = try #require(env.simulator.chats.addBuyerMessage(chatID: chat, text: "m\(index)", at: at + Int64(index % 1000))).eventID
            }
            // when: read 100 events a call to the end
            var latest: [String: String] = [:]
            var next = cursor
            for _ in 0..<5 {
                let page = try await env.chat.updates(since: next, limit: 100, deadline: Env.deadline)
                for item in page.items { latest[item.id] = item.lastMessage?.id }
                next = page.nextCursor
                if !page.hasMore { break }
            }
            // then: each chat's newest message came
            #expect(latest == last)
        }
    }

    @Test("given a stream whose page size the connector has seen, when a poll finds one new event, then it asks the stream once", .timeLimit(.minutes(1)))
    func productivePollAsksOnce() async throws {
        let wallClock = StandingWallClock()
        let options = Env.connectorOptions { $0.unixMilliseconds = { wallClock.now } }
        try await Env.with(connector: options) { env in
            let cursor = try await env.drainedChat()
            let chat = try #require(env.simulator.chats.chats.first)
            let message = try #require(env.simulator.addBuyerMessage(chatID: chat.chatID, text: "Есть размер M?"))
            let before = env.simulator.chatLog.count(path: "/api/v1/seller/events", method: "GET")
            // when
            let page = try await env.chat.updates(since: cursor, limit: 100, deadline: Env.deadline)
            // then: the short page held all there was
            #expect(page.items.compactMap { $0.lastMessage?.id } == [message.eventID])
            #expect(!page.hasMore)
            #expect(env.simulator.chatLog.count(path: "/api/v1/seller/events", method: "GET") - before == 1)
            // A poll with nothing new does not ask past a second that may still be written into:
            // an event Wildberries took at it between two requests would be passed for good.
            let quiet = try await env.chat.updates(since: page.nextCursor, limit: 100, deadline: Env.deadline)
            #expect(quiet.items.isEmpty)
            #expect(!quiet.hasMore)
            #expect(env.simulator.chatLog.count(path: "/api/v1/seller/events", method: "GET") - before == 2)
            // Once that second is over, a poll with nothing new moves the reading onto it and asks
            // no further: the short page held all there was.
            wallClock.shift(byMilliseconds: 60_000)
            let settled = try await env.chat.updates(since: quiet.nextCursor, limit: 100, deadline: Env.deadline)
            #expect(settled.items.isEmpty)
            #expect(env.simulator.chatLog.count(path: "/api/v1/seller/events", method: "GET") - before == 3)
            // and a poll after it reads on to the stream's end (its pages may have become shorter)
            let after = try await env.chat.updates(since: settled.nextCursor, limit: 100, deadline: Env.deadline)
            #expect(after.items.isEmpty)
            #expect(env.simulator.chatLog.count(path: "/api/v1/seller/events", method: "GET") - before == 5)
        }
    }

    @Test("given a poll that has read the newest second, when Wildberries takes another event at that second, then the next poll reports it", .timeLimit(.minutes(1)))
    func lateEventAtTheNewestSecond() async throws {
        try await Env.with { env in
            let cursor = try await env.drainedChat()
            let chats = env.simulator.chats.chats
            try #require(chats.count >= 2)
            let first = try #require(env.simulator.addBuyerMessage(chatID: chats[0].chatID, text: "Где заказ?"))
            let page = try await env.chat.updates(since: cursor, limit: 100, deadline: Env.deadline)
            #expect(page.items.compactMap { $0.lastMessage?.id } == [first.eventID])
            // when: a quiet poll, then an event at the second already read
            let quiet = try await env.chat.updates(since: page.nextCursor, limit: 100, deadline: Env.deadline)
            #expect(quiet.items.isEmpty)
            let late = try #require(env.simulator.chats.addBuyerMessage(chatID: chats[1].chatID, text: "И ещё вопрос", at: first.addTimestamp))
            let next = try await env.chat.updates(since: quiet.nextCursor, limit: 100, deadline: Env.deadline)
            // then
            #expect(next.items.compactMap { $0.lastMessage?.id } == [late.eventID])
        }
    }

    @Test("given an event stream that refuses the same place every time, then the reading starts over once, and the third list in a row fails", .timeLimit(.minutes(1)))
    func refusedAgainSurfaces() async throws {
        let options = Env.connectorOptions { $0.retry = .none }
        try await Env.with(connector: options) { env in
            env.refuseStreamPosition(times: 100)
            for _ in 0..<2 {
                let page = try await env.chat.listItems(ListQuery(limit: 10), deadline: Env.deadline)
                #expect(page.items.count == env.simulator.chats.chats.count)
            }
            await #expect(throws: ConnectorError.self) { _ = try await env.chat.listItems(ListQuery(limit: 10), deadline: Env.deadline) }
        }
    }

    @Test("given 250 chats written in one second, all on one page of the stream, when updates are read 100 events a call, then every chat comes once",
          .timeLimit(.minutes(1)))
    func crowdedSecondPastTheKeys() async throws {
        let wallClock = StandingWallClock()
        let options = Env.connectorOptions { $0.unixMilliseconds = { wallClock.now } }
        try await Env.with(simulator: Env.simulatorOptions { $0.eventsPageSize = 300; $0.chatCount = 250 }, connector: options) { env in
            let cursor = try await env.drainedChat()
            let at = env.second(after: 3)
            var expected: [String: String] = [:]
            for (index, chat) in env.simulator.chats.chats.enumerated() {
                expected[chat.chatID] = try #require(env.simulator.chats.addBuyerMessage(chatID: chat.chatID, text: "Вопрос \(index)",
                                                                                         at: at + Int64(index % 1000))).eventID
            }
            var reported: [String: String] = [:]
            var count = 0
            var next = cursor
            func poll() async throws {
                for _ in 0..<10 {
                    let page = try await env.chat.updates(since: next, limit: 100, deadline: Env.deadline)
                    for item in page.items { reported[item.id] = item.lastMessage?.id }
                    count += page.items.count
                    next = page.nextCursor
                    if !page.hasMore { break }
                }
            }
            // when: polled while that second may still be written into, then once it is over
            try await poll()
            let early = count
            wallClock.shift(byMilliseconds: 60_000)
            try await poll()
            // then: as many as the cursor can keep came at once, the rest once the second was over
            #expect(early > 0 && early < 250)
            #expect(reported == expected)
            #expect(count == 250, "reported twice: \(count - 250)")
            let quiet = try await env.chat.updates(since: next, limit: 100, deadline: Env.deadline)
            #expect(quiet.items.isEmpty)
        }
    }
}

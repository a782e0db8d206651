import Connectors
import Foundation
import MarketplaceSimulator
import Marketplaces
import Testing

@Suite("Wildberries chat connector")
struct WildberriesChatConnectorTests {
    typealias Env = WildberriesTestEnvironment

    /// Who wrote each chat's last message, as the simulator knows it.
    private func lastSenders(_ simulator: WildberriesSimulator) -> [String: WildberriesSimulatedChatEvent] {
        var last: [String: WildberriesSimulatedChatEvent] = [:]
        for event in simulator.chats.events where event.text != nil { last[event.chatID] = event }
        return last
    }

    @Test("conversations list newest first with who spoke last, paged and filtered by status", .timeLimit(.minutes(1)))
    func list() async throws {
        try await Env.with { env in
            let last = lastSenders(env.simulator)
            let (items, pages) = try await Env.walk(env.chat, ListQuery(limit: 2))
            #expect(pages == 3)
            #expect(Set(items.map(\.id)) == Set(env.simulator.chats.chats.map(\.chatID)))
            #expect(items.map { $0.lastMessage!.createdAt.millisecondsSinceEpoch } == items.map { last[$0.id]!.addTimestamp }.sorted(by: >))
            for item in items {
                let truth = try #require(last[item.id])
                let chat = try #require(env.simulator.chats.chat(id: item.id))
                #expect(item.kind == .chat)
                #expect(item.text == truth.text)
                #expect(item.lastMessage?.sender == (truth.sender == .seller ? "seller" : "buyer"))
                #expect(item.lastMessage?.id == truth.eventID)
                #expect(item.status == (truth.sender == .seller ? .answered : .unanswered))
                #expect(item.author?.name == chat.clientName)
                #expect(item.product?.id == String(chat.product.nmId))
            }
            let (unanswered, _) = try await Env.walk(env.chat, ListQuery(status: .unanswered, limit: 100))
            #expect(Set(unanswered.map(\.id)) == Set(last.filter { $0.value.sender != .seller }.keys))
        }
    }

    @Test("given another gateway process polling on with the cursor, when Wildberries itself wrote last in a chat its buyer waits in, then updates say unanswered, with the chat's product and opening time",
          .timeLimit(.minutes(1)))
    func updatesAfterRestart() async throws {
        try await Env.with { env in
            // given: a poll that has taken everything, then a buyer who opens a chat and is reported
            var cursor: Cursor?
            while true {
                let page = try await env.chat.updates(since: cursor, limit: 100, deadline: Env.deadline)
                cursor = page.nextCursor
                if !page.hasMore { break }
            }
            let (fresh, opened) = env.simulator.chats.startChat(clientName: "Павел", text: "Когда доставка?")
            let first = try await env.chat.updates(since: cursor, limit: 100, deadline: Env.deadline)
            let before = try #require(first.items.first { $0.id == fresh.chatID })
            #expect(before.status == .unanswered)
            #expect(before.product != nil)
            // and another chat's buyer writes later, so the cursor moves on past the first's second
            let (other, _) = env.simulator.chats.startChat(clientName: "Ольга", text: "Есть размер M?", at: opened.addTimestamp + 2000)
            let second = try await env.chat.updates(since: first.nextCursor, limit: 100, deadline: Env.deadline)
            #expect(second.items.map(\.id) == [other.chatID])
            // when: Wildberries writes a notice, and a process that starts afresh (its own, empty
            // memory of the chats) polls on from the cursor
            env.simulator.chats.addSystemMessage(chatID: fresh.chatID, text: "Заказ доставлен в пункт выдачи",
                                                 at: opened.addTimestamp + 5000)
            let chat = try restartedChat(env, Env.connectorOptions())
            let after = try await chat.updates(since: second.nextCursor, limit: 100, deadline: Env.deadline)
            // then: the notice is the last message, and the buyer still waits
            let item = try #require(after.items.first { $0.id == fresh.chatID })
            #expect(item.lastMessage?.sender == "system")
            #expect(item.status == .unanswered)
            #expect(item.product == before.product)
            #expect(item.createdAt == before.createdAt)
        }
    }

    @Test("given another gateway process whose catch-up cannot reach a chat's earlier messages, when Wildberries wrote last, then updates surface the chat as unanswered",
          .timeLimit(.minutes(1)))
    func updatesAfterRestartWithoutHistory() async throws {
        try await Env.with(simulator: Env.simulatorOptions { $0.eventsPageSize = 2 }) { env in
            // given: a buyer who opens a chat, reported
            let cursor = try await drained(env)
            let (fresh, opened) = env.simulator.chats.startChat(clientName: "Павел", text: "Когда доставка?")
            let first = try await env.chat.updates(since: cursor, limit: 100, deadline: Env.deadline)
            #expect(first.items.first { $0.id == fresh.chatID }?.status == .unanswered)
            // and another chat's buyer writes later, so the cursor moves on past the first's second
            let (other, _) = env.simulator.chats.startChat(clientName: "Ольга", text: "Есть размер M?", at: opened.addTimestamp + 2000)
            let second = try await env.chat.updates(since: first.nextCursor, limit: 100, deadline: Env.deadline)
            #expect(second.items.map(\.id) == [other.chatID])
            // when: Wildberries writes a notice, and a process that starts afresh polls on, its
            // reading of the stream (one page of two events) far from the chat's opening
            env.simulator.chats.addSystemMessage(chatID: fresh.chatID, text: "Заказ доставлен в пункт выдачи",
                                                 at: opened.addTimestamp + 5000)
            let chat = try restartedChat(env, Env.connectorOptions { $0.chatCatchUpPages = 1 })
            let after = try await chat.updates(since: second.nextCursor, limit: 100, deadline: Env.deadline)
            // then: the notice is the last message, and the chat is not hidden as answered
            let item = try #require(after.items.first { $0.id == fresh.chatID })
            #expect(item.lastMessage?.sender == "system")
            #expect(item.status == .unanswered)
        }
    }

    @Test("given another gateway process that then lists, when a chat its seller answered ends with a notice, then the lists read the stream on until they know it is answered",
          .timeLimit(.minutes(1)))
    func listsAfterRestartLearnTheHistory() async throws {
        // Every second of the stream over by this clock, so the readings wait for none.
        let wallClock = StandingWallClock()
        wallClock.shift(byMilliseconds: 3_600_000)
        let options = Env.connectorOptions { $0.unixMilliseconds = { wallClock.now } }
        try await Env.with(simulator: Env.simulatorOptions { $0.eventsPageSize = 2 }, connector: options) { env in
            // given: a buyer's question, the seller's answer, a later chat, then a notice
            let cursor = try await drained(env)
            let (fresh, opened) = env.simulator.chats.startChat(clientName: "Павел", text: "Когда доставка?")
            let first = try await env.chat.updates(since: cursor, limit: 100, deadline: Env.deadline)
            _ = try await env.chat.reply(to: fresh.chatID, text: "Завтра", deadline: Env.deadline)
            env.simulator.chats.startChat(clientName: "Ольга", text: "Есть размер M?", at: opened.addTimestamp + 2000)
            let second = try await env.chat.updates(since: first.nextCursor, limit: 100, deadline: Env.deadline)
            env.simulator.chats.addSystemMessage(chatID: fresh.chatID, text: "Заказ доставлен в пункт выдачи",
                                                 at: opened.addTimestamp + 5000)
            // when: a process that starts afresh, reading two pages of two events a call, polls
            // on (which shows it the notice, so every last message's sender is known), then lists
            let chat = try restartedChat(env, Env.connectorOptions { $0.chatCatchUpPages = 2; $0.unixMilliseconds = { wallClock.now } })
            _ = try await chat.updates(since: second.nextCursor, limit: 100, deadline: Env.deadline)
            var statuses: [Item.Status] = []
            for _ in 0..<100 {
                let page = try await chat.listItems(ListQuery(limit: 100), deadline: Env.deadline)
                statuses.append(try #require(page.items.first { $0.id == fresh.chatID }).status)
                if statuses.last == .answered { break }
            }
            // then: unanswered while its history is unread, answered once it is
            #expect(statuses.first == .unanswered)
            #expect(statuses.last == .answered)
            #expect(try await chat.item(id: fresh.chatID, includeRaw: false, deadline: Env.deadline).status == .answered)
        }
    }

    @Test("given this machine's clock an hour behind Wildberries', when a poll has read a page-full of one second, then the feed goes past it once the settling time has passed by this clock",
          .timeLimit(.minutes(1)))
    func clockBehindWildberries() async throws {
        let wallClock = StandingWallClock()
        let options = Env.connectorOptions { $0.unixMilliseconds = { wallClock.now } }
        try await Env.with(simulator: Env.simulatorOptions { $0.eventsPageSize = 2 }, connector: options) { env in
            let cursor = try await drained(env)
            wallClock.shift(byMilliseconds: -3_600_000)
            // given: two buyers write in one second, a third three seconds later
            let chats = env.simulator.chats.chats
            try #require(chats.count >= 3)
            let second = (Int64(Date().timeIntervalSince1970) - 10) * 1000
            env.simulator.chats.addBuyerMessage(chatID: chats[0].chatID, text: "a", at: second)
            env.simulator.chats.addBuyerMessage(chatID: chats[1].chatID, text: "b", at: second)
            env.simulator.chats.addBuyerMessage(chatID: chats[2].chatID, text: "c", at: second + 3000)
            // when: the page-full of that second is read, and polled again at once
            let early = try await env.chat.updates(since: cursor, limit: 100, deadline: Env.deadline)
            let again = try await env.chat.updates(since: early.nextCursor, limit: 100, deadline: Env.deadline)
            // then: the reading waits at that second for the settling time by this clock, not
            // for the clocks' gap: the stream's times have shown how far Wildberries' is ahead
            #expect(early.items.compactMap { $0.lastMessage?.text }.sorted() == ["a", "b"])
            #expect(!early.hasMore)
            #expect(again.items.isEmpty)
            wallClock.shift(byMilliseconds: 6_000)
            let later = try await env.chat.updates(since: again.nextCursor, limit: 100, deadline: Env.deadline)
            #expect(later.items.compactMap { $0.lastMessage?.text } == ["c"])
        }
    }

    @Test("one chat reads by id; an unknown one is itemNotFound", .timeLimit(.minutes(1)))
    func item() async throws {
        try await Env.with { env in
            let chat = try #require(env.simulator.chats.chats.first)
            let item = try await env.chat.item(id: chat.chatID, includeRaw: true, deadline: Env.deadline)
            #expect(item.id == chat.chatID)
            #expect(item.raw?["replySign"] == .string(chat.replySign))
            await #expect(throws: ConnectorError.itemNotFound(id: "1:00000000-0000-4000-8000-000000000000")) {
                _ = try await env.chat.item(id: "1:00000000-0000-4000-8000-000000000000", includeRaw: false, deadline: Env.deadline)
            }
        }
    }

    @Test("a reply goes out as a multipart message with the chat's replySign and shows as answered", .timeLimit(.minutes(1)))
    func reply() async throws {
        try await Env.with { env in
            let target = try #require(lastSenders(env.simulator).first { $0.value.sender == .client }?.key)
            let receipt = try await env.chat.reply(to: target, text: "Здравствуйте! Заменим товар.", deadline: Env.deadline)
            #expect(receipt.itemID == target)
            let sent = try #require(env.simulator.chats.events.last)
            #expect(sent.chatID == target)
            #expect(sent.sender == .seller)
            #expect(sent.text == "Здравствуйте! Заменим товар.")
            #expect(receipt.createdAt?.millisecondsSinceEpoch == sent.addTimestamp)
            let item = try await env.chat.item(id: target, includeRaw: false, deadline: Env.deadline)
            #expect(item.status == .answered)
            #expect(item.lastMessage?.sender == "seller")
        }
    }

    @Test("the reply sign cache is refreshed when a new chat appears", .timeLimit(.minutes(1)))
    func signRefresh() async throws {
        try await Env.with { env in
            _ = try await env.chat.listItems(ListQuery(limit: 10), deadline: Env.deadline)
            let known = try #require(env.simulator.chats.chats.first)
            let listsBefore = env.simulator.chatLog.count(path: "/api/v1/seller/chats")
            _ = try await env.chat.reply(to: known.chatID, text: "Добрый день!", deadline: Env.deadline)
            #expect(env.simulator.chatLog.count(path: "/api/v1/seller/chats") == listsBefore, "a cached sign needs no lookup")

            let (fresh, _) = env.simulator.chats.startChat(clientName: "Павел", text: "Здравствуйте, можно обменять?")
            _ = try await env.chat.reply(to: fresh.chatID, text: "Да, конечно.", deadline: Env.deadline)
            #expect(env.simulator.chatLog.count(path: "/api/v1/seller/chats") == listsBefore + 1)
            #expect(env.simulator.chats.events.last?.chatID == fresh.chatID)
            #expect(env.simulator.chats.events.last?.sender == .seller)

            await #expect(throws: ConnectorError.itemNotFound(id: "1:00000000-0000-4000-8000-000000000000")) {
                _ = try await env.chat.reply(to: "1:00000000-0000-4000-8000-000000000000", text: "Hello", deadline: Env.deadline)
            }
        }
    }

    @Test("given a catch-up on the event stream that fails part way, then the list still answers, and the next call goes on from where it stopped",
          .timeLimit(.minutes(1)))
    func catchUpKeepsItsProgress() async throws {
        let options = Env.connectorOptions { $0.retry = .none }
        let onePerPage = Env.simulatorOptions { $0.eventsPageSize = 1 }
        // given: how many event pages a catch-up from the start reads
        let fromStart = try await Env.with(simulator: onePerPage, connector: options) { env in
            _ = try await env.chat.listItems(ListQuery(limit: 10), deadline: Env.deadline)
            return env.simulator.chatLog.count(path: "/api/v1/seller/events", method: "GET")
        }
        try #require(fromStart >= 4)
        try await Env.with(simulator: onePerPage, connector: options) { env in
            // when: the third page fails, and the list is asked again
            env.simulator.chatFaults.inject(.serverError(status: 500), pathPrefix: "/api/v1/seller/events", after: 2)
            let partial = try await env.chat.listItems(ListQuery(limit: 10), deadline: Env.deadline)
            #expect(partial.items.count == env.simulator.chats.chats.count)
            let failedCall = env.simulator.chatLog.count(path: "/api/v1/seller/events", method: "GET")
            _ = try await env.chat.listItems(ListQuery(limit: 10), deadline: Env.deadline)
            // then: the second call read on from the two pages the first one got (the last again,
            // as a resumed cursor does), not from the start
            let secondCall = env.simulator.chatLog.count(path: "/api/v1/seller/events", method: "GET") - failedCall
            #expect(secondCall <= fromStart - 1)
        }
    }

    @Test("given an event stream that keeps failing, then two lists let it go and the third fails, so the outage is seen", .timeLimit(.minutes(1)))
    func brokenStreamSurfaces() async throws {
        let options = Env.connectorOptions { $0.retry = .none }
        try await Env.with(connector: options) { env in
            env.simulator.chatFaults.inject(.serverError(status: 500), times: 100, pathPrefix: "/api/v1/seller/events")
            for _ in 0..<2 {
                let page = try await env.chat.listItems(ListQuery(limit: 10), deadline: Env.deadline)
                #expect(page.items.count == env.simulator.chats.chats.count)
            }
            await #expect(throws: ConnectorError.self) { _ = try await env.chat.listItems(ListQuery(limit: 10), deadline: Env.deadline) }
        }
    }

    @Test("given a long event stream after a restart, then a list catches up only as far as the chat budget has requests at hand, and later lists go on", .timeLimit(.minutes(1)))
    func catchUpSpendsOnlyWhatIsAtHand() async throws {
        let clock = WildberriesTestClock()
        // given: four requests at hand (one of them kept for calls that wait) and one more an
        // hour; one event per page. The test clock runs on real time as well: with a refill any
        // shorter, a list slowed by a busy machine (seconds, under the whole suite) would find
        // one more request at hand and rightly read a third page
        let options = Env.connectorOptions {
            $0.chatRateLimit = RateLimit(burst: 4, interval: .seconds(3600))
            $0.clock = clock
        }
        try await Env.with(simulator: Env.simulatorOptions { $0.eventsPageSize = 1 }, connector: options) { env in
            let last = lastSenders(env.simulator)
            try #require(env.simulator.chats.events.count >= 6)
            // when: a list runs on a budget with no slot to spare for the whole stream
            let page = try await env.chat.listItems(ListQuery(limit: 10), deadline: Env.deadline)
            // then: it answers with the chats, having read two event pages (the list took the first
            // request), not waiting for more within its deadline
            #expect(Set(page.items.map(\.id)) == Set(env.simulator.chats.chats.map(\.chatID)))
            #expect(env.simulator.chatLog.count(path: "/api/v1/seller/events", method: "GET") == 2)
            let unknown = page.items.filter { $0.lastMessage?.id == nil }
            #expect(!unknown.isEmpty)
            #expect(unknown.allSatisfy { $0.status == .unanswered })

            // when: the budget refills, and lists are asked again
            var pages = 0
            while pages < 40 {
                clock.advance(by: .seconds(3 * 3600))
                pages += 1
                let again = try await env.chat.listItems(ListQuery(limit: 10), deadline: clock.now + .seconds(20))
                guard again.items.contains(where: { $0.lastMessage?.id == nil }) else {
                    // then: in the end every sender is the one the simulator knows
                    for item in again.items {
                        #expect(item.lastMessage?.sender == (last[item.id]?.sender == .seller ? "seller" : "buyer"))
                    }
                    break
                }
            }
            #expect(pages < 40)
        }
    }

    @Test("a message over 1000 characters is refused before any call", .timeLimit(.minutes(1)))
    func bounds() async throws {
        try await Env.with { env in
            let chat = try #require(env.simulator.chats.chats.first)
            await #expect {
                _ = try await env.chat.reply(to: chat.chatID, text: String(repeating: "ж", count: 1001), deadline: Env.deadline)
            } throws: { error in
                guard case ConnectorError.invalidRequest(let field, _) = error else { return false }
                return field == "text"
            }
            await #expect(throws: ConnectorError.operationNotSupported(ConnectorKey(.wildberries, .chat), .markRead)) {
                try await env.chat.markRead(id: chat.chatID, deadline: Env.deadline)
            }
            #expect(env.simulator.chatLog.total == 0)
        }
    }

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

    /// The event stream answers its next `times` pages with the 400 Wildberries gives a `next` it refuses.
    private func refuseStreamPosition(_ env: Env, times: Int = 1) {
        env.simulator.chatFaults.inject(
            .answer(status: 400, json: #"{"title":"Bad Request","detail":"Invalid value for \"next\"","errors":["invalid next"]}"#),
            times: times, pathPrefix: "/api/v1/seller/events")
    }

    /// Reads updates to the end of the stream, returning the cursor there.
    /// The chat connector of a process that starts afresh against the same simulator: its own,
    /// empty memory of the chats.
    private func restartedChat(_ env: Env, _ options: WildberriesOptions) throws -> any ChannelConnector {
        let restarted = ConnectorRegistry()
        WildberriesConnectors.register(in: restarted,
                                       endpoints: MarketplaceEndpoints(wildberriesFeedbacks: env.simulator.feedbacksURL,
                                                                       wildberriesChat: env.simulator.chatURL),
                                       options: options)
        return try restarted.connector(for: ConnectorKey(.wildberries, .chat), tenant: Env.tenant,
                                       credentials: MarketplaceCredentials(marketplace: .wildberries, fields: ["token": WildberriesToken.demo]))
    }

    private func drained(_ env: Env) async throws -> Cursor? {
        var cursor: Cursor?
        for _ in 0..<50 {
            let page = try await env.chat.updates(since: cursor, limit: 100, deadline: Env.deadline)
            cursor = page.nextCursor
            if !page.hasMore { break }
        }
        return cursor
    }

    /// A whole second (unix ms) `seconds` after the stream's newest event.
    private func second(after env: Env, _ seconds: Int64) -> Int64 {
        ((env.simulator.chats.events.last?.addTimestamp ?? 0) / 1000 + seconds) * 1000
    }

    @Test("given a message a list has shown, when updates report it, then its time is the list's, to the millisecond", .timeLimit(.minutes(1)))
    func updatesTimeAsTheListShowsIt() async throws {
        try await Env.with { env in
            // given: updates read to the end, a buyer's message at 0.7 s past a second, then a list
            let cursor = try await drained(env)
            let chatID = try #require(env.simulator.chats.chats.first?.chatID)
            env.simulator.chats.addBuyerMessage(chatID: chatID, text: "Ещё вопрос", at: second(after: env, 2) + 700)
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
            env.simulator.chats.addBuyerMessage(chatID: chats[0].chatID, text: "Начало", at: second(after: env, 5))
            let cursor = try await drained(env)
            let base = second(after: env, 1)
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
            let cursor = try await drained(env)
            // given: a message in each of 40 chats, all in one second
            let at = second(after: env, 3)
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
            let cursor = try await drained(env)
            // given: in one second, four chats where the buyer wrote and the seller answered, and
            // four where the seller wrote and the buyer answered back (event ids are random, so
            // only the stream's order tells which came last)
            let at = second(after: env, 30) + 500
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
            refuseStreamPosition(env)
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
            let cursor = try await drained(env)
            // given: 200 messages in one second, alternating between two chats
            let chats = env.simulator.chats.chats
            let at = second(after: env, 3)
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
            let cursor = try await drained(env)
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
            // Once that second is over, a poll with nothing new reads on to the stream's end (its
            // pages may have become shorter).
            wallClock.shift(byMilliseconds: 60_000)
            let settled = try await env.chat.updates(since: quiet.nextCursor, limit: 100, deadline: Env.deadline)
            #expect(settled.items.isEmpty)
            #expect(env.simulator.chatLog.count(path: "/api/v1/seller/events", method: "GET") - before == 4)
        }
    }

    @Test("given a poll that has read the newest second, when Wildberries takes another event at that second, then the next poll reports it", .timeLimit(.minutes(1)))
    func lateEventAtTheNewestSecond() async throws {
        try await Env.with { env in
            let cursor = try await drained(env)
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
            refuseStreamPosition(env, times: 100)
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
        try await Env.with(simulator: Env.simulatorOptions { $0.eventsPageSize = 300; $0.chatCount = 250 }) { env in
            let cursor = try await drained(env)
            let at = second(after: env, 3)
            var expected: [String: String] = [:]
            for (index, chat) in env.simulator.chats.chats.enumerated() {
                expected[chat.chatID] = try #require(env.simulator.chats.addBuyerMessage(chatID: chat.chatID, text: "Вопрос \(index)",
                                                                                         at: at + Int64(index % 1000))).eventID
            }
            var reported: [String: String] = [:]
            var count = 0
            var next = cursor
            for _ in 0..<10 {
                let page = try await env.chat.updates(since: next, limit: 100, deadline: Env.deadline)
                for item in page.items { reported[item.id] = item.lastMessage?.id }
                count += page.items.count
                next = page.nextCursor
                if !page.hasMore { break }
            }
            #expect(reported == expected)
            #expect(count == 250, "reported twice: \(count - 250)")
            let quiet = try await env.chat.updates(since: next, limit: 100, deadline: Env.deadline)
            #expect(quiet.items.isEmpty)
        }
    }
}

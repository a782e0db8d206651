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
            let chatIDs: Set<String> = Set(env.simulator.chats.chats.map { $0.chatID })
            #expect(Set(items.map { $0.id }) == chatIDs)
            let newestFirst: [Int64] = items.map { last[$0.id]!.addTimestamp }.sorted(by: >)
            #expect(items.map { $0.lastMessage!.createdAt.millisecondsSinceEpoch } == newestFirst)
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
            let waiting: Set<String> = Set(last.filter { $0.value.sender != .seller }.keys)
            let listed: Set<String> = Set(unanswered.map { $0.id })
            #expect(listed == waiting)
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
            let chat = try env.restartedChat(Env.connectorOptions())
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
        // Every second of the stream over by this clock, so the readings wait for none.
        let wallClock = StandingWallClock()
        wallClock.shift(byMilliseconds: 3_600_000)
        let options = Env.connectorOptions { $0.unixMilliseconds = { wallClock.now } }
        try await Env.with(simulator: Env.simulatorOptions { $0.eventsPageSize = 2 }, connector: options) { env in
            // given: a buyer who opens a chat, reported
            let cursor = try await env.drainedChat()
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
            let chat = try env.restartedChat(Env.connectorOptions { $0.chatCatchUpPages = 1; $0.unixMilliseconds = { wallClock.now } })
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
            let cursor = try await env.drainedChat()
            let (fresh, opened) = env.simulator.chats.startChat(clientName: "Павел", text: "Когда доставка?")
            let first = try await env.chat.updates(since: cursor, limit: 100, deadline: Env.deadline)
            _ = try await env.chat.reply(to: fresh.chatID, text: "Завтра", deadline: Env.deadline)
            // (minutes apart: the answer is timed by the simulator's clock when it is sent, and a
            // loaded machine can take seconds to send it; it must come before these two)
            env.simulator.chats.startChat(clientName: "Ольга", text: "Есть размер M?", at: opened.addTimestamp + 120_000)
            let second = try await env.chat.updates(since: first.nextCursor, limit: 100, deadline: Env.deadline)
            env.simulator.chats.addSystemMessage(chatID: fresh.chatID, text: "Заказ доставлен в пункт выдачи",
                                                 at: opened.addTimestamp + 240_000)
            // when: a process that starts afresh, reading two pages of two events a call, polls
            // on (which shows it the notice, so every last message's sender is known), then lists
            let chat = try env.restartedChat(Env.connectorOptions { $0.chatCatchUpPages = 2; $0.unixMilliseconds = { wallClock.now } })
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

    @Test("given this machine's clock an hour behind Wildberries', when a poll has read up to a second still open, then the feed goes past it once the settling time has passed by this clock",
          .timeLimit(.minutes(1)))
    func clockBehindWildberries() async throws {
        let wallClock = StandingWallClock()
        let options = Env.connectorOptions { $0.unixMilliseconds = { wallClock.now } }
        try await Env.with(simulator: Env.simulatorOptions { $0.eventsPageSize = 2 }, connector: options) { env in
            let cursor = try await env.drainedChat()
            wallClock.shift(byMilliseconds: -3_600_000)
            // given: two buyers write in one second, a third three seconds later
            let chats = env.simulator.chats.chats
            try #require(chats.count >= 3)
            let second = (Int64(Date().timeIntervalSince1970) - 10) * 1000
            env.simulator.chats.addBuyerMessage(chatID: chats[0].chatID, text: "a", at: second)
            env.simulator.chats.addBuyerMessage(chatID: chats[1].chatID, text: "b", at: second)
            env.simulator.chats.addBuyerMessage(chatID: chats[2].chatID, text: "c", at: second + 3000)
            // when: the first page from the reading's place is read, and polled again at once
            let early = try await env.chat.updates(since: cursor, limit: 100, deadline: Env.deadline)
            let again = try await env.chat.updates(since: early.nextCursor, limit: 100, deadline: Env.deadline)
            // then: the reading waits below that second (one page of the stream from there) for
            // the settling time by this clock, not for the clocks' gap: the stream's times have
            // shown how far Wildberries' is ahead
            #expect(early.items.compactMap { $0.lastMessage?.text } == ["a"])
            #expect(!early.hasMore)
            #expect(again.items.isEmpty)
            wallClock.shift(byMilliseconds: 6_000)
            let later = try await env.chat.updates(since: again.nextCursor, limit: 100, deadline: Env.deadline)
            #expect(later.items.compactMap { $0.lastMessage?.text } == ["b", "c"])
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

    @Test("given a chat the event stream shows and the chat list does not yet, when a client reads it and replies to it, then both find it, the reply with the sign from the stream",
          .timeLimit(.minutes(1)))
    func chatOnlyInTheStream() async throws {
        try await Env.with { env in
            // given: a connector that has read the stream to its end, then a chat opened since
            _ = try await env.chat.listItems(ListQuery(limit: 10), deadline: Env.deadline)
            let (fresh, _) = env.simulator.chats.startChat(clientName: "Павел", text: "Когда доставка?", listed: false)
            // when
            let receipt = try await env.chat.reply(to: fresh.chatID, text: "Завтра.", deadline: Env.deadline)
            // then
            #expect(receipt.itemID == fresh.chatID)
            let sent = try #require(env.simulator.chats.events.last)
            #expect(sent.chatID == fresh.chatID)
            #expect(sent.sender == .seller)
            #expect(sent.text == "Завтра.")
            // and when: another such chat is read by id
            let (other, _) = env.simulator.chats.startChat(clientName: "Ольга", text: "Есть размер M?", listed: false)
            let item = try await env.chat.item(id: other.chatID, includeRaw: false, deadline: Env.deadline)
            // then
            #expect(item.id == other.chatID)
            #expect(item.status == .unanswered)
            #expect(item.lastMessage?.text == "Есть размер M?")
        }
    }

    @Test("given a message Wildberries takes but whose answer is lost, then the reply finds it in the event stream and reports it sent, once; one that never arrived stays a failure",
          .timeLimit(.minutes(1)))
    func lostAnswerIsLookedUpInTheStream() async throws {
        try await Env.with { env in
            let target = try #require(lastSenders(env.simulator).first { $0.value.sender == .client }?.key)
            let message = "/api/v1/seller/message"
            // given: the send applied, then its connection reset before the answer
            env.simulator.chatFaults.inject(.appliedThenReset, times: 1, pathPrefix: message)
            // when
            let receipt = try await env.chat.reply(to: target, text: "Отправим сегодня.", deadline: Env.deadline)
            // then
            let sent = env.simulator.chats.events.filter { $0.chatID == target && $0.sender == .seller && $0.text == "Отправим сегодня." }
            #expect(sent.count == 1)
            #expect(receipt.itemID == target)
            #expect(receipt.createdAt?.millisecondsSinceEpoch == sent.first?.streamTimestamp, "the time the stream shows it at")
            #expect(env.simulator.chatLog.count(path: message) == 1, "a write whose outcome is unknown is not sent again")
            // and given: a send reset before Wildberries took it
            env.simulator.chatFaults.inject(.connectionReset, times: 1, pathPrefix: message)
            // then: nothing in the stream says it was sent, so the failure stands
            await #expect(throws: ConnectorError.self) {
                _ = try await env.chat.reply(to: target, text: "Отправим завтра.", deadline: Env.deadline)
            }
            #expect(!env.simulator.chats.events.contains { $0.text == "Отправим завтра." })
        }
    }

    @Test("given the same words sent to a chat a moment ago (the buyer answering them or not), when they are sent again and that send never arrives, then the look-up does not take the first for it: the failure stands",
          .timeLimit(.minutes(1)), arguments: [false, true])
    func earlierSameWordsAreNotTheLostMessage(buyerAnswered: Bool) async throws {
        try await Env.with { env in
            let target = try #require(lastSenders(env.simulator).first { $0.value.sender == .client }?.key)
            let message = "/api/v1/seller/message"
            let words = "Спасибо за заказ!"
            // given
            _ = try await env.chat.reply(to: target, text: words, deadline: Env.deadline)
            if buyerAnswered {
                // the buyer writes after it, and the gateway reads that
                try #require(env.simulator.chats.addBuyerMessage(chatID: target, text: "А когда доставка?") != nil)
                _ = try await env.chat.updates(since: nil, limit: 100, deadline: Env.deadline)
                let known = try await env.chat.item(id: target, includeRaw: false, deadline: Env.deadline)
                try #require(known.status == .unanswered)
            }
            // when: the same words, reset before Wildberries took them
            env.simulator.chatFaults.inject(.connectionReset, times: 1, pathPrefix: message)
            // then
            await #expect(throws: ConnectorError.self) {
                _ = try await env.chat.reply(to: target, text: words, deadline: Env.deadline)
            }
            #expect(env.simulator.chats.events.count { $0.chatID == target && $0.text == words } == 1)
        }
    }

    @Test("given a lost answer whose message falls in a second a page of the stream cut, then the look-up reads the rest of that second and finds it",
          .timeLimit(.minutes(1)))
    func lostAnswerBehindAPageCutInsideASecond() async throws {
        try await Env.with(simulator: Env.simulatorOptions { $0.eventsPageSize = 2 }) { env in
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let latest = env.simulator.chats.events.map { $0.addTimestamp }.max() ?? 0
            try #require(latest < now - 60_000, "nothing else inside the look-up's window")
            let chats = env.simulator.chats.chats
            try #require(chats.count >= 3)
            let target = chats[2].chatID
            // given: a buyer's message one second, another's in the next (a second still to come,
            // so that the reply is stamped into it too): a page of two ends inside that second
            let second = (now / 1000 + 20) * 1000
            env.simulator.chats.addBuyerMessage(chatID: chats[0].chatID, text: "a", at: second - 1000)
            env.simulator.chats.addBuyerMessage(chatID: chats[1].chatID, text: "b", at: second)
            env.simulator.chatFaults.inject(.appliedThenReset, times: 1, pathPrefix: "/api/v1/seller/message")
            // when: the reply's answer is lost
            let receipt = try await env.chat.reply(to: target, text: "Уже в пути.", deadline: Env.deadline)
            // then: it is found behind the page's end, in the same second, and was sent once
            let sent = env.simulator.chats.events.filter { $0.chatID == target && $0.text == "Уже в пути." }
            let sentAt = sent.map { $0.streamTimestamp }
            #expect(sentAt == [second])
            #expect(receipt.createdAt?.millisecondsSinceEpoch == second)
            #expect(env.simulator.chatLog.count(path: "/api/v1/seller/message") == 1)
        }
    }

    @Test("given this machine's clock five minutes ahead of Wildberries', when a reply's answer is lost, then the look-up reads the stream by Wildberries' clock and finds it",
          .timeLimit(.minutes(1)))
    func lostAnswerWithThisClockAhead() async throws {
        let options = Env.connectorOptions {
            $0.unixMilliseconds = { Int64(Date().timeIntervalSince1970 * 1000) + 300_000 }
            $0.chatClockFromDate = true
        }
        try await Env.with(connector: options) { env in
            let target = try #require(lastSenders(env.simulator).first { $0.value.sender == .client }?.key)
            env.simulator.chatFaults.inject(.appliedThenReset, times: 1, pathPrefix: "/api/v1/seller/message")
            let receipt = try await env.chat.reply(to: target, text: "Проверим и ответим.", deadline: Env.deadline)
            let sent = env.simulator.chats.events.filter { $0.chatID == target && $0.text == "Проверим и ответим." }
            #expect(sent.count == 1)
            #expect(receipt.createdAt?.millisecondsSinceEpoch == sent.first?.streamTimestamp)
            #expect(env.simulator.chatLog.count(path: "/api/v1/seller/message") == 1)
        }
    }

    @Test("given a catch-up on the event stream that fails part way, then the list still answers, and the next call goes on from where it stopped",
          .timeLimit(.minutes(1)))
    func catchUpKeepsItsProgress() async throws {
        // Every second of the stream over by this clock, so how many pages a call reads does not
        // depend on how long a busy machine takes between calls.
        let wallClock = StandingWallClock()
        wallClock.shift(byMilliseconds: 3_600_000)
        let options = Env.connectorOptions { $0.retry = .none; $0.unixMilliseconds = { wallClock.now } }
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

    @Test("given a long event stream after a restart and a chat only the stream shows, when a read and a reply look for it before the reading reached it, then they say retry (503, or 429 with no request at hand), never not found; later calls find it",
          .timeLimit(.minutes(1)))
    func chatFurtherOnIsNotMissing() async throws {
        // given: one event per page and two pages a call; a fresh connector, so the stream is read
        // from its start
        let options = Env.connectorOptions { $0.chatCatchUpPages = 2 }
        try await Env.with(simulator: Env.simulatorOptions { $0.eventsPageSize = 1 }, connector: options) { env in
            let (fresh, _) = env.simulator.chats.startChat(clientName: "Павел", text: "Когда доставка?", listed: false)
            try #require(env.simulator.chats.events.count >= 6)
            // when / then: the first look-ups stop short of it
            do {
                _ = try await env.chat.item(id: fresh.chatID, includeRaw: false, deadline: Env.deadline)
                Issue.record("found on the first call, though two pages cannot reach it")
            } catch let error as ConnectorError {
                guard case .upstreamUnavailable(let retryAfter, let failure) = error else {
                    Issue.record("expected upstreamUnavailable, got \(error)")
                    return
                }
                #expect(retryAfter == .seconds(1))
                #expect(failure?.message.contains("still being read") == true)
            }
            do {
                _ = try await env.chat.reply(to: fresh.chatID, text: "Завтра.", deadline: Env.deadline)
                Issue.record("replied on the second call, though four pages cannot reach the chat")
            } catch let error as ConnectorError {
                guard case .upstreamUnavailable(.seconds(1)?, _) = error else {
                    Issue.record("expected upstreamUnavailable, got \(error)")
                    return
                }
            }
            #expect(!env.simulator.chats.events.contains { $0.chatID == fresh.chatID && $0.sender == .seller })
            // and: later calls read on and find it
            var item: Item?
            for _ in 0..<20 where item == nil {
                item = try? await env.chat.item(id: fresh.chatID, includeRaw: false, deadline: Env.deadline)
            }
            #expect(item?.lastMessage?.text == "Когда доставка?")
            _ = try await env.chat.reply(to: fresh.chatID, text: "Завтра.", deadline: Env.deadline)
            #expect(env.simulator.chats.events.last?.text == "Завтра.")
        }
        // given: no request to spare for the stream
        let limited = Env.connectorOptions {
            $0.chatRateLimit = RateLimit(burst: 2, interval: .seconds(3600))
            $0.clock = WildberriesTestClock()
        }
        try await Env.with(simulator: Env.simulatorOptions { $0.eventsPageSize = 1 }, connector: limited) { env in
            let (fresh, _) = env.simulator.chats.startChat(clientName: "Ольга", text: "Есть размер M?", listed: false)
            do {
                _ = try await env.chat.item(id: fresh.chatID, includeRaw: false, deadline: Env.deadline)
                Issue.record("found, though no request was at hand for the stream")
            } catch let error as ConnectorError {
                guard case .upstreamRateLimited = error else {
                    Issue.record("expected upstreamRateLimited, got \(error)")
                    return
                }
            }
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
}

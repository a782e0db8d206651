import Connectors
import Foundation
import MarketplaceSimulator
import Marketplaces
import Testing

@Suite("Ozon chat connector")
struct OzonChatConnectorTests {
    /// The buyer chats of the simulated account (its Ozon notifications chat is not one).
    func conversations(_ bed: OzonTestbed) -> [OzonChat] {
        bed.host.chats().filter { $0.type == "BUYER_SELLER" }
    }

    /// The ids of a list walked on from `cursor` to its end, 50 at a time.
    func walkOn(_ connector: OzonChatConnector, from cursor: Cursor?, limit: Int = 50, _ bed: OzonTestbed) async throws -> [String] {
        try await bed.walk(connector, from: cursor, limit: limit).map(\.id)
    }

    /// The last page of updates read from the start: a client that has seen everything.
    func synced(_ connector: OzonChatConnector, _ bed: OzonTestbed) async throws -> UpdatesPage {
        var page = try await connector.updates(since: nil, limit: 100, deadline: bed.deadline)
        while page.hasMore { page = try await connector.updates(since: page.nextCursor, limit: 100, deadline: bed.deadline) }
        return page
    }

    @Test("given a status filter few chats match, when listed a page at a time, then no call reads more than 40 histories, and the walk finds each match once",
          .timeLimit(.minutes(1)))
    func sparseStatusFilterIsBounded() async throws {
        try await OzonTestbed.run(simulator: OzonTestbed.simulatorOptions(chats: 120)) { bed in
            let chat = try bed.chat
            // given: every chat answered, then a buyer writing in two of them
            for item in try await bed.listAll(chat, limit: 100) where item.status == .unanswered {
                _ = try await chat.reply(to: item.id, text: "Здравствуйте!", deadline: bed.deadline)
            }
            let waiting = [bed.simulator.addBuyerMessage("Вопрос").id, bed.simulator.addBuyerMessage("Ещё вопрос").id]
            // when
            var found: [String] = []
            var cursor: Cursor?
            var calls = 0
            repeat {
                let before = bed.log.count(path: "/v3/chat/history")
                let page = try await chat.listItems(ListQuery(status: .unanswered, limit: 1, cursor: cursor), deadline: bed.deadline)
                // then
                #expect(bed.log.count(path: "/v3/chat/history") - before <= 40)
                found += page.items.map(\.id)
                cursor = page.nextCursor
                calls += 1
            } while cursor != nil && calls < 20
            #expect(Set(found) == Set(waiting))
            #expect(found.count == 2)
            #expect(calls > 3, "the 118 answered chats take several calls of at most 40")
        }
    }

    @Test("lists every conversation once, with its latest message, unread count and status", .timeLimit(.minutes(1)))
    func listing() async throws {
        try await OzonTestbed.run { bed in
            let items = try await bed.listAll(try bed.chat, limit: 4)
            let chats = conversations(bed)
            #expect(items.count == chats.count)
            #expect(Set(items.map(\.id)) == Set(chats.map(\.id)))
            for item in items {
                let chat = try #require(chats.first { $0.id == item.id })
                let last = try #require(chat.messages.last)
                #expect(item.kind == .chat)
                #expect(item.unreadCount == chat.unreadCount)
                #expect(item.read == (chat.unreadCount == 0))
                #expect(item.lastMessage?.id == String(last.id))
                #expect(item.lastMessage?.text == last.text)
                #expect(item.text == last.text)
                #expect(item.lastMessage?.sender == (last.sender == .seller ? "seller" : "buyer"))
                #expect(item.status == (last.sender == .seller ? .answered : .unanswered))
                #expect(item.createdAt.millisecondsSinceEpoch == chat.createdAt / 1000)
            }
            let unanswered = try await bed.listAll(try bed.chat, limit: 3, status: .unanswered)
            #expect(Set(unanswered.map(\.id)) == Set(chats.filter { $0.messages.last?.sender == .customer }.map(\.id)))
        }
    }

    /// The first conversation after `messages` more buyer messages, as the list shows it and as it reads alone.
    func grownConversation(_ bed: OzonTestbed, by messages: Int) async throws -> (listed: Item, single: Item) {
        let chat = try #require(conversations(bed).first)
        for index in 0..<messages { bed.host.addBuyerMessage("Сообщение \(index)", chatID: chat.id) }
        let listed = try #require(try await bed.listAll(try bed.chat, limit: 100).first { $0.id == chat.id })
        return (listed, try await bed.chat.item(id: chat.id, includeRaw: false, deadline: bed.deadline))
    }

    @Test("given a conversation longer than a few messages, then the list shows it as the single item does", .timeLimit(.minutes(1)))
    func listAgreesWithItem() async throws {
        try await OzonTestbed.run { bed in
            // given: a chat that grew by 15 buyer messages
            // when
            let (listed, single) = try await grownConversation(bed, by: 15)
            // then
            #expect(listed.createdAt == single.createdAt)
            #expect(listed.product == single.product)
            #expect(listed.lastMessage == single.lastMessage)
            #expect(listed.status == single.status)
            #expect(listed.unreadCount == single.unreadCount)
        }
    }

    @Test("given a conversation longer than the 50 messages a list reads of each chat, then the single item still shows when it began and all its unread, as the list does",
          .timeLimit(.minutes(1)))
    func longConversationItem() async throws {
        try await OzonTestbed.run { bed in
            // given: a chat that grew by 60 buyer messages
            // when
            let (listed, single) = try await grownConversation(bed, by: 60)
            // then
            #expect(listed.createdAt == single.createdAt)
            #expect(listed.unreadCount == single.unreadCount)
            #expect((single.unreadCount ?? 0) > 50)
            #expect(listed.read == single.read)
            #expect(listed.lastMessage == single.lastMessage)
            #expect(listed.status == single.status)
        }
    }

    @Test("one chat from its history; ids beyond 2^53 survive exactly", .timeLimit(.minutes(1)))
    func oneChat() async throws {
        try await OzonTestbed.run { bed in
            let chat = try #require(conversations(bed).first { $0.unreadCount > 0 })
            let item = try await bed.chat.item(id: chat.id, includeRaw: true, deadline: bed.deadline)
            let last = try #require(chat.messages.last)
            #expect(last.id > 1 << 53)
            #expect(item.lastMessage?.id == String(last.id))
            #expect(item.unreadCount == chat.unreadCount)
            #expect(item.status == .unanswered)
            #expect(item.createdAt.millisecondsSinceEpoch == chat.messages[0].createdAt / 1000)
            #expect(item.raw?["messages"] != nil)
            await #expect(throws: ConnectorError.itemNotFound(id: "00000000-0000-4000-8000-000000000000")) {
                try await bed.chat.item(id: "00000000-0000-4000-8000-000000000000", includeRaw: false, deadline: bed.deadline)
            }
        }
    }

    @Test("a reply appears in the chat's history and answers it", .timeLimit(.minutes(1)))
    func reply() async throws {
        try await OzonTestbed.run { bed in
            let chat = try #require(conversations(bed).first { $0.messages.last?.sender == .customer })
            let receipt = try await bed.chat.reply(to: chat.id, text: "Здравствуйте! Отправим сегодня.", deadline: bed.deadline)
            #expect(receipt.itemID == chat.id)
            #expect(bed.host.chat(id: chat.id)?.messages.last?.text == "Здравствуйте! Отправим сегодня.")
            let item = try await bed.chat.item(id: chat.id, includeRaw: false, deadline: bed.deadline)
            #expect(item.status == .answered)
            #expect(item.lastMessage?.sender == "seller")
            await #expect(throws: ConnectorError.invalidRequest(field: "text", reason: "text must be 1…1000 characters, got 1001.")) {
                try await bed.chat.reply(to: chat.id, text: String(repeating: "ы", count: 1001), deadline: bed.deadline)
            }
            await #expect(throws: ConnectorError.invalidRequest(field: "text", reason: "text must be 1…1000 characters, got 0.")) {
                try await bed.chat.reply(to: chat.id, text: "", deadline: bed.deadline)
            }
            #expect(bed.log.count(path: "/v1/chat/send/message") == 1)
        }
    }

    @Test("mark read sends the exact 64-bit id of the latest message and clears the unread count", .timeLimit(.minutes(1)))
    func markRead() async throws {
        try await OzonTestbed.run { bed in
            // Given a chat whose latest message id is beyond what a Double holds exactly
            let chat = bed.simulator.addBuyerMessage("Подскажите, когда доставка?")
            let last = try #require(chat.messages.last)
            #expect(last.id > 1 << 53)
            #expect(chat.unreadCount == 1)
            // When
            try await bed.chat.markRead(id: chat.id, deadline: bed.deadline)
            // Then: the simulator (which refuses ids that are not in the chat) accepted it
            #expect(bed.host.chat(id: chat.id)?.unreadCount == 0)
            #expect(bed.log.all.filter { $0.path == "/v2/chat/read" }.map(\.status) == [200])
            let item = try await bed.chat.item(id: chat.id, includeRaw: false, deadline: bed.deadline)
            #expect(item.read == true)
            #expect(item.lastMessage?.id == String(last.id))
        }
    }

    @Test("without Premium, sending and marking read are upstreamAuthFailed while reading works", .timeLimit(.minutes(1)))
    func subscriptionOff() async throws {
        try await OzonTestbed.run { bed in
            bed.simulator.setSubscription(false)
            let chat = try #require(conversations(bed).first)
            let page = try await bed.chat.listItems(ListQuery(limit: 2), deadline: bed.deadline)
            #expect(page.items.count == 2)
            for operation in ["reply", "read"] {
                let error = await ozonError { () async throws(ConnectorError) in
                    if operation == "reply" {
                        _ = try await bed.chat.reply(to: chat.id, text: "Добрый день", deadline: bed.deadline)
                    } else {
                        try await bed.chat.markRead(id: chat.id, deadline: bed.deadline)
                    }
                }
                if case .upstreamAuthFailed(let failure)? = error {
                    #expect(failure.status == 403)
                } else {
                    Issue.record("\(operation) succeeded without a subscription: \(String(describing: error))")
                }
            }
        }
    }

    @Test("updates report each conversation once, then exactly the chats with new messages", .timeLimit(.minutes(1)))
    func updates() async throws {
        try await OzonTestbed.run { bed in
            let connector = try bed.chat
            var reported: [(String, String?)] = []
            // Given: the initial sync in pages of 4
            var page = try await connector.updates(since: nil, limit: 4, deadline: bed.deadline)
            reported += page.items.map { ($0.id, $0.lastMessage?.id) }
            let early = try #require(page.items.first?.id)
            // When: buyers write between calls, in a chat already reported and in a brand-new chat
            let again = bed.simulator.addBuyerMessage("И ещё вопрос", chatID: early)
            let fresh = bed.simulator.addBuyerMessage("Hello, is this in stock?")
            while page.hasMore {
                page = try await connector.updates(since: page.nextCursor, limit: 4, deadline: bed.deadline)
                reported += page.items.map { ($0.id, $0.lastMessage?.id) }
            }
            let tail = try await connector.updates(since: page.nextCursor, limit: 4, deadline: bed.deadline)
            reported += tail.items.map { ($0.id, $0.lastMessage?.id) }
            // Then: every conversation with its latest message, nothing twice
            let pairs = reported.map { "\($0.0)#\($0.1 ?? "")" }
            #expect(Set(pairs).count == pairs.count)
            let expected = conversations(bed).map { "\($0.id)#\($0.lastMessageID)" }
            #expect(Set(expected).isSubset(of: Set(pairs)))
            #expect(pairs.contains("\(again.id)#\(again.lastMessageID)"))
            #expect(pairs.contains("\(fresh.id)#\(fresh.lastMessageID)"))
            // And: quiet until the next message, which is reported alone
            let quiet = try await connector.updates(since: tail.nextCursor, limit: 4, deadline: bed.deadline)
            #expect(quiet.items.isEmpty && !quiet.hasMore)
            let later = bed.simulator.addBuyerMessage("Спасибо!", chatID: fresh.id)
            let news = try await connector.updates(since: quiet.nextCursor, limit: 4, deadline: bed.deadline)
            #expect(news.items.map(\.id) == [fresh.id])
            #expect(news.items.first?.lastMessage?.id == String(later.lastMessageID))
            #expect(news.items.first?.status == .unanswered)
        }
    }

    @Test("a message numbered before a newer one elsewhere but shown after it is still reported", .timeLimit(.minutes(1)))
    func lateMessage() async throws {
        try await OzonTestbed.run { bed in
            let connector = try bed.chat
            // Given: a synced client
            let page = try await synced(connector, bed)
            let chats = conversations(bed)
            let (slow, busy) = (chats[0].id, chats[1].id)
            // When: Ozon numbers a message in one chat, a newer one in another chat shows first and
            // is reported, and only then the older-numbered message shows
            let lateID = bed.host.reserveMessageID()
            bed.host.addBuyerMessage("Где мой заказ?", chatID: busy)
            let first = try await connector.updates(since: page.nextCursor, limit: 100, deadline: bed.deadline)
            #expect(first.items.map(\.id) == [busy])
            let late = bed.host.addBuyerMessage("Уже неделя прошла", chatID: slow, messageID: lateID)
            #expect(late.lastMessageID == lateID)
            let second = try await connector.updates(since: first.nextCursor, limit: 100, deadline: bed.deadline)
            // Then: the late message is reported, and nothing else
            #expect(second.items.map(\.id) == [slow])
            #expect(second.items.first?.lastMessage?.id == String(lateID))
            let quiet = try await connector.updates(since: second.nextCursor, limit: 100, deadline: bed.deadline)
            #expect(quiet.items.isEmpty)
        }
    }

    @Test("past the edge the watermark rises, but never past a chat that was not reported", .timeLimit(.minutes(1)))
    func busyAccount() async throws {
        try await OzonTestbed.run { bed in
            let connector = try bed.chat
            // Given: a synced client, and more new chats than a cursor remembers by id
            var page = try await synced(connector, bed)
            let fresh = (0..<30).map { bed.host.addBuyerMessage("Вопрос \($0)").id }
            // When: they are read five at a time
            var reported: [String] = []
            repeat {
                page = try await connector.updates(since: page.nextCursor, limit: 5, deadline: bed.deadline)
                reported += page.items.map(\.id)
            } while page.hasMore
            // Then: each exactly once, oldest first, and the account is quiet afterwards
            #expect(reported == fresh)
            let quiet = try await connector.updates(since: page.nextCursor, limit: 5, deadline: bed.deadline)
            #expect(quiet.items.isEmpty)
        }
    }

    @Test("given a synced client on an account of 250 chats, when a buyer writes in the chat with the oldest message, then updates report it alone",
          .timeLimit(.minutes(1)))
    func newsInTheOldestChat() async throws {
        try await OzonTestbed.run(simulator: OzonTestbed.simulatorOptions(chats: 250)) { bed in
            let connector = try bed.chat
            // given
            let page = try await synced(connector, bed)
            let chats = conversations(bed).sorted { $0.lastMessageID < $1.lastMessageID }
            let oldest = try #require(chats.first?.id)
            // when
            bed.simulator.log.reset()
            let news = bed.simulator.addBuyerMessage("Есть другой цвет?", chatID: oldest)
            let next = try await connector.updates(since: page.nextCursor, limit: 20, deadline: bed.deadline)
            // then
            #expect(next.items.map(\.id) == [oldest])
            #expect(next.items.first?.lastMessage?.id == String(news.lastMessageID))
            #expect(bed.simulator.log.count(path: "/v3/chat/list") == 3)
            let quiet = try await connector.updates(since: next.nextCursor, limit: 20, deadline: bed.deadline)
            #expect(quiet.items.isEmpty && !quiet.hasMore)
        }
    }

    /// Updates from `cursor` until a sweep ends, with the list requests of each call.
    func sweep(_ connector: OzonChatConnector, from cursor: Cursor?, limit: Int, _ bed: OzonTestbed)
        async throws -> (ids: [String], listRequests: [Int], last: UpdatesPage) {
        var ids: [String] = []
        var listRequests: [Int] = []
        var cursor = cursor
        var page: UpdatesPage
        repeat {
            let before = bed.log.count(path: "/v3/chat/list")
            page = try await connector.updates(since: cursor, limit: limit, deadline: bed.deadline)
            listRequests.append(bed.log.count(path: "/v3/chat/list") - before)
            ids += page.items.map(\.id)
            cursor = page.nextCursor
        } while page.hasMore && listRequests.count < 30
        return (ids, listRequests, page)
    }

    @Test("given 250 chats and updates that read one list page a call, when a client syncs from the start, then the list is swept over three calls and each conversation comes once",
          .timeLimit(.minutes(1)))
    func sweptOverCalls() async throws {
        try await OzonTestbed.run(simulator: OzonTestbed.simulatorOptions(chats: 250), connectors: { $0.chatSweepPages = 1 }) { bed in
            let connector = try bed.chat
            // when
            let first = try await sweep(connector, from: nil, limit: 100, bed)
            // then
            #expect(first.listRequests == [1, 1, 1])
            #expect(first.ids.count == Set(first.ids).count, "reported twice: \(first.ids.count - Set(first.ids).count)")
            #expect(Set(first.ids) == Set(conversations(bed).map(\.id)))
            let quiet = try await sweep(connector, from: first.last.nextCursor, limit: 100, bed)
            #expect(quiet.ids.isEmpty)
            #expect(quiet.listRequests == [1, 1, 1])
        }
    }

    @Test("given a sweep of one list page a call, when Ozon refuses the list position the cursor carries (it expired), then the sweep starts over and each conversation still comes",
          .timeLimit(.minutes(1)))
    func refusedListPositionStartsOver() async throws {
        try await OzonTestbed.run(simulator: OzonTestbed.simulatorOptions(chats: 250), connectors: { $0.chatSweepPages = 1 }) { bed in
            let connector = try bed.chat
            // given: one call into the sweep, its cursor holding Ozon's position
            let first = try await connector.updates(since: nil, limit: 100, deadline: bed.deadline)
            #expect(first.hasMore)
            // when: Ozon refuses that position once
            bed.faults.inject(.answer(status: 400, json: #"{"code":3,"message":"invalid cursor","details":[]}"#), times: 1, pathPrefix: "/v3/chat/list")
            let rest = try await sweep(connector, from: first.nextCursor, limit: 100, bed)
            // then: that call starts over and reads on past its one page a call (the refused
            // position, then pages until the limit fills); together the calls report every
            // conversation, and the restarted sweep none twice
            #expect((rest.listRequests.first ?? 0) >= 3, "\(rest.listRequests)")
            #expect(Set(first.items.map(\.id) + rest.ids) == Set(conversations(bed).map(\.id)))
            #expect(rest.ids.count == Set(rest.ids).count)
            #expect(!rest.last.hasMore)
        }
    }

    @Test("given a synced client and a sweep of one list page a call, when buyers write in a chat it passed and in one it has not reached, then both are reported once",
          .timeLimit(.minutes(1)), arguments: [true, false])
    func messagesDuringSweep(mostRecentFirst: Bool) async throws {
        var options = OzonTestbed.simulatorOptions(chats: 250)
        options.chatListMostRecentFirst = mostRecentFirst
        try await OzonTestbed.run(simulator: options, connectors: { $0.chatSweepPages = 1 }) { bed in
            let connector = try bed.chat
            // given
            let synced = try await sweep(connector, from: nil, limit: 100, bed).last
            let started = try await connector.updates(since: synced.nextCursor, limit: 100, deadline: bed.deadline)
            #expect(started.items.isEmpty && started.hasMore)
            // in list order: most recent first moves a written chat to the top (the sweep then
            // meets neither again); in creation order it stays, and the sweep meets the second
            let listed = mostRecentFirst ? conversations(bed).sorted { $0.lastMessageID > $1.lastMessageID }
                                         : conversations(bed).sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
            let (passed, unreached) = (listed[10].id, try #require(listed.last?.id))
            // when
            bed.simulator.addBuyerMessage("А доставка сегодня будет?", chatID: unreached)
            bed.simulator.addBuyerMessage("Спасибо, жду", chatID: passed)
            let rest = try await sweep(connector, from: started.nextCursor, limit: 100, bed)
            let next = try await sweep(connector, from: rest.last.nextCursor, limit: 100, bed)
            // then: both, once; on a list in creation order a chat the edge let go of while the
            // sweep ran may come again, with the message it had
            let reported = rest.ids + next.ids
            #expect(reported.filter { $0 == passed }.count == 1)
            #expect(reported.filter { $0 == unreached }.count == 1)
            if mostRecentFirst { #expect(reported.count == 2) }
            let quiet = try await sweep(connector, from: next.last.nextCursor, limit: 100, bed)
            #expect(quiet.ids.isEmpty)
        }
    }

    @Test("given a client 250 chats behind, when it reads updates 20 at a time, one list page a call, then each conversation comes once and oldest first within a call",
          .timeLimit(.minutes(1)))
    func smallPagesOverSweeps() async throws {
        try await OzonTestbed.run(simulator: OzonTestbed.simulatorOptions(chats: 250), connectors: { $0.chatSweepPages = 1 }) { bed in
            let connector = try bed.chat
            // when
            var reported: [String] = []
            var cursor: Cursor?
            var calls = 0
            var page: UpdatesPage
            repeat {
                page = try await connector.updates(since: cursor, limit: 20, deadline: bed.deadline)
                let ids = page.items.compactMap { $0.lastMessage.flatMap { $0.id.flatMap { UInt64($0) } } }
                #expect(ids == ids.sorted())
                reported += page.items.map(\.id)
                cursor = page.nextCursor
                calls += 1
            } while page.hasMore && calls < 100
            // then
            #expect(!page.hasMore)
            #expect(reported.count == Set(reported).count, "reported twice: \(reported.count - Set(reported).count)")
            #expect(Set(reported) == Set(conversations(bed).map(\.id)))
            let quiet = try await sweep(connector, from: page.nextCursor, limit: 20, bed)
            #expect(quiet.ids.isEmpty)
        }
    }

    @Test("given a chat list that is not most recent first, when buyers write in the first and the last listed chats, then updates read the whole list and report both, once",
          .timeLimit(.minutes(1)))
    func listOutOfOrder() async throws {
        var options = OzonTestbed.simulatorOptions(chats: 250)
        options.chatListMostRecentFirst = false
        try await OzonTestbed.run(simulator: options) { bed in
            let connector = try bed.chat
            // given
            let page = try await synced(connector, bed)
            let opened = conversations(bed).sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
            let (first, last) = (try #require(opened.first?.id), try #require(opened.last?.id))
            // when
            bed.simulator.log.reset()
            bed.simulator.addBuyerMessage("Когда отправка?", chatID: last)
            bed.simulator.addBuyerMessage("А размер M есть?", chatID: first)
            let next = try await connector.updates(since: page.nextCursor, limit: 20, deadline: bed.deadline)
            // then
            #expect(next.items.map(\.id) == [last, first])
            #expect(bed.simulator.log.count(path: "/v3/chat/list") == 3)
            let quiet = try await connector.updates(since: next.nextCursor, limit: 20, deadline: bed.deadline)
            #expect(quiet.items.isEmpty && !quiet.hasMore)
        }
    }

    @Test("given a walk of the chat list three at a time, when the last chat of each page is answered before the next page, then every chat is listed once",
          .timeLimit(.minutes(1)))
    func walkWhileAnswering() async throws {
        try await OzonTestbed.run { bed in
            let connector = try bed.chat
            var listed: [String] = []
            var cursor: Cursor?
            repeat {
                // when: a page, then a reply to its last chat, which moves that chat to the top
                let page = try await connector.listItems(ListQuery(limit: 3, cursor: cursor), deadline: bed.deadline)
                listed += page.items.map(\.id)
                if let last = page.items.last { _ = try await connector.reply(to: last.id, text: "Проверяем ваш заказ", deadline: bed.deadline) }
                cursor = page.nextCursor
            } while cursor != nil
            // then
            #expect(listed.count == Set(listed).count, "listed again: \(listed)")
            #expect(Set(listed) == Set(conversations(bed).map(\.id)))
        }
    }

    @Test("given a walk of 250 chats stopped at an upstream page's end, when a chat not listed yet gets a message, then no chat is listed twice",
          .timeLimit(.minutes(1)))
    func walkAcrossUpstreamPages() async throws {
        try await OzonTestbed.run(simulator: OzonTestbed.simulatorOptions(chats: 250)) { bed in
            let connector = try bed.chat
            // given: a first page that ends where Ozon's first page of 100 chats ends
            let firstUpstreamPage = bed.host.chats().sorted { ($0.lastMessageID, $0.id) > ($1.lastMessageID, $1.id) }.prefix(100)
            let conversationsThere = firstUpstreamPage.filter { $0.type == "BUYER_SELLER" }.count
            let page = try await connector.listItems(ListQuery(limit: conversationsThere), deadline: bed.deadline)
            var listed = page.items.map(\.id)
            #expect(listed == firstUpstreamPage.filter { $0.type == "BUYER_SELLER" }.map(\.id))
            // when: a chat further down moves to the top, shifting Ozon's second page by one
            let moved = try #require(conversations(bed).sorted { $0.lastMessageID < $1.lastMessageID }.first?.id)
            #expect(!listed.contains(moved))
            bed.simulator.addBuyerMessage("Ответьте, пожалуйста", chatID: moved)
            listed += try await walkOn(connector, from: page.nextCursor, bed)
            // then: every other chat once; the moved one went above the walk
            #expect(listed.count == Set(listed).count, "listed twice: \(listed.count - Set(listed).count)")
            #expect(Set(listed) == Set(conversations(bed).map(\.id)).subtracting([moved]))
        }
    }

    @Test("given a walk stopped just before an upstream page's end, when two chats from below move to the top, then the next page lists no chat twice",
          .timeLimit(.minutes(1)))
    func walkWhenAPageIsPushedOver() async throws {
        try await OzonTestbed.run(simulator: OzonTestbed.simulatorOptions(chats: 250)) { bed in
            let connector = try bed.chat
            // given: a first page that stops at the 99th of Ozon's first 100 chats
            let listed = bed.host.chats().sorted { ($0.lastMessageID, $0.id) > ($1.lastMessageID, $1.id) }
            let limit = listed.prefix(99).filter { $0.type == "BUYER_SELLER" }.count
            let page = try await connector.listItems(ListQuery(limit: limit), deadline: bed.deadline)
            var ids = page.items.map(\.id)
            // when: two chats further down get messages, pushing the end of Ozon's first page onto its second
            let below = listed.suffix(2).map(\.id)
            for chat in below { bed.simulator.addBuyerMessage("Есть новости?", chatID: chat) }
            ids += try await walkOn(connector, from: page.nextCursor, bed)
            // then
            #expect(ids.count == Set(ids).count, "listed twice: \(ids.count - Set(ids).count)")
            #expect(Set(ids) == Set(conversations(bed).map(\.id)).subtracting(below))
        }
    }

    @Test("given a chat list in creation order, when it is walked in pages that end where Ozon's pages end, then every chat is listed once",
          .timeLimit(.minutes(1)), arguments: [100, 20])
    func walkInCreationOrder(limit: Int) async throws {
        var options = OzonTestbed.simulatorOptions(chats: 100)
        options.chatListMostRecentFirst = false
        try await OzonTestbed.run(simulator: options) { bed in
            let connector = try bed.chat
            // given: 100 conversations and the notifications chat, so Ozon's second page holds one
            // chat, whose last message id is not below those of the first page
            let first = try await connector.listItems(ListQuery(limit: limit), deadline: bed.deadline)
            let ids = try await first.items.map(\.id) + walkOn(connector, from: first.nextCursor, limit: limit, bed)
            // then
            #expect(ids.count == Set(ids).count, "listed twice: \(ids.count - Set(ids).count)")
            #expect(Set(ids) == Set(conversations(bed).map(\.id)))
        }
    }

    @Test("given a list whose cursor names the chat a page ended with, when a chat on a page split between calls moves up, then the chat that slid onto that page is reported too",
          .timeLimit(.minutes(1)))
    func slidOntoASplitPage() async throws {
        var options = OzonTestbed.simulatorOptions(chats: 250)
        options.chatListKeysetCursor = true
        try await OzonTestbed.run(simulator: options) { bed in
            let connector = try bed.chat
            // given: a client syncing 30 at a time, so Ozon's pages of 100 are split between calls
            var reported: [String] = []
            var cursor: Cursor?
            var calls = 0
            var moved: String?
            var page: UpdatesPage
            repeat {
                page = try await connector.updates(since: cursor, limit: 30, deadline: bed.deadline)
                reported += page.items.map(\.id)
                cursor = page.nextCursor
                calls += 1
                if calls == 4 {
                    // when: mid-way through the second page, a chat on it gets a message and moves
                    // to the top; the third page's first chat slides onto the second
                    let listed = conversations(bed).sorted { $0.lastMessageID > $1.lastMessageID }
                    let chosen = try #require(listed.first { !reported.contains($0.id) && listed.firstIndex(of: $0)! >= 100 }?.id)
                    moved = chosen
                    bed.simulator.addBuyerMessage("Подскажите, пожалуйста", chatID: chosen)
                }
            } while page.hasMore && calls < 40
            let next = try await sweep(connector, from: cursor, limit: 100, bed)
            // then: every conversation came, in that sweep or the next (the moved one again with its news)
            #expect(moved != nil)
            let missing = Set(conversations(bed).map(\.id)).subtracting(reported + next.ids)
            #expect(missing.isEmpty, "never reported: \(missing.count)")
        }
    }
}

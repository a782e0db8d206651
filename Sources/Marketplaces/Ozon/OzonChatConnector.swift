import Foundation
import Connectors

/// Ozon buyer chats (`ozon/chat`) over `/v3/chat/list`, `/v3/chat/history`,
/// `/v1/chat/send/message` and `/v2/chat/read`. Sending and marking read need the account's
/// Premium subscription (else `upstreamAuthFailed`).
///
/// Mapping: one item per conversation, `id` = `chat_id`, `kind` chat; `text` and `last_message`
/// are the latest message (from the chat's history); `status` is answered when the latest
/// message from the buyer or the seller is the seller's; `unread_count` and `read`
/// (no unread messages) from the list; `author.id` is the buyer's user id; `product` the sku a
/// message was about. Ozon's announcement chats and the seller's support chats are left out.
public struct OzonChatConnector: ChannelConnector {
    /// `ozon/chat` in the registry.
    public static let key = ConnectorKey(.ozon, .chat)
    /// Everything the gateway offers: Ozon supports each operation for chats.
    public static let operations: Set<ConnectorOperation> = [.listItems, .item, .reply, .markRead, .updates]
    /// Ozon takes chat messages of 1…1000 characters.
    public static let replyBounds = 1...1000
    /// Messages a list reads of each chat: the latest one from a person (system notices may
    /// follow it) and the product the conversation names. The list's entry gives the chat's
    /// start and unread count.
    static let window = 50
    /// How long before a send a message of the same words may be dated and be taken for it, when
    /// the chat could not be read before the send: Ozon's clock and ours may differ by this much.
    /// (A greeting sent a minute before is not taken for a send that never arrived.)
    static let unseenTolerance: Int64 = 10_000
    /// Messages one chat read alone asks for (Ozon's most a call): it has no list entry, so its
    /// start is its first message and its unread count is counted, both exact for any chat up to
    /// this long, as the list shows them.
    static let itemWindow = 1000

    /// The tenant's Ozon session, shared with its other Ozon connectors.
    public let session: OzonSession
    /// List pages one updates call reads at most (`OzonOptions.chatSweepPages`).
    public let sweepPages: Int
    /// `ozon/chat`.
    public var key: ConnectorKey { Self.key }
    /// Every operation (`Self.operations`).
    public var operations: Set<ConnectorOperation> { Self.operations }

    /// The tenant's chat connector over its shared `session`; `sweepPages` below 1 becomes 1.
    public init(session: OzonSession, sweepPages: Int = 10) {
        self.session = session
        self.sweepPages = max(1, sweepPages)
    }

    /// In Ozon's order (most recent conversation first in Ozon's interface; undocumented for the
    /// API, so a walk resumes below a chat's message id only on pages that came in that order,
    /// and otherwise after the chat it stopped at). Each item costs one history call for
    /// its latest message; the status and `since` (chat creation) filters apply here. Filtered by
    /// status, a call reads at most `max(2 × limit, 40)` histories (a sparse filter ends the page
    /// short, with a cursor, rather than spend hundreds of calls under one deadline). A chat
    /// that gets a message while the list is walked moves above the walk's position: it is not
    /// listed again (nor, if the walk had not reached it, by this walk; `updates` reports it).
    public func listItems(_ query: ListQuery, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> ItemPage {
        try OzonValidation.limit(query.limit)
        let listing = try OzonListCursor(query)
        let (items, next) = try await OzonListPager.collect(
            limit: query.limit, from: listing.position, maxExamined: listing.status == nil ? .max : max(2 * query.limit, 40),
            // Ozon's own chats (notices) may be pinned anywhere: no key, so no order is read from them.
            id: { $0.chatID }, key: { $0.isConversation ? $0.lastMessageID : 0 },
            fetch: { token, _ async throws(ConnectorError) in
                try await chatList(cursor: token, limit: 100, includeRaw: query.includeRaw, deadline: deadline)
            },
            accept: { entries, range, items async throws(ConnectorError) in
                let chats = entries[range]
                let wanted = chats.filter { chat in
                    chat.isConversation && listing.since.map { (chat.entry.chat.createdAt?.timestamp ?? OzonDate.missing) >= $0 } ?? true
                }
                let built = try await chatItems(for: Array(wanted), deadline: deadline)
                var byID: [String: Item] = [:]
                for item in built { byID[item.id] = item }
                for chat in chats {
                    if let item = byID[chat.chatID], listing.status == nil || item.status == listing.status { items.append(item) }
                }
            })
        return ItemPage(items: items, nextCursor: listing.cursor(at: next))
    }

    /// From the chat's history alone (Ozon has no single-chat method): its latest `itemWindow`
    /// messages give the text, status and unread count, and `created_at` is the first message's
    /// (for a longer chat, the oldest one read, and the unread among those read).
    public func item(id: String, includeRaw: Bool, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> Item {
        try ItemIDShape.uuidOrNumber.check(id)
        let (messages, _, response) = try await history(chatID: id, from: nil, limit: Self.itemWindow, deadline: deadline)
        var item = Self.item(chatID: id, listed: nil, messages: messages)
        if includeRaw { item.raw = response.json() }
        return item
    }

    /// Sends `text` as the seller (`/v1/chat/send/message`). Ozon returns no message id. A
    /// message whose answer was lost is looked for among those newer than the chat's newest
    /// before the send (`OzonSession.confirmedReply`), and then has its id and time: a seller
    /// sends the same words (a greeting) to a chat often, so a time window would not do.
    public func reply(to id: String, text: String, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> ReplyReceipt {
        try ItemIDShape.uuidOrNumber.check(id)
        try OzonValidation.text(text, bounds: Self.replyBounds)
        let session = session
        // The newest message before the send, under a deadline of its own (an eighth of the
        // time, at most 2 s), so that a slow read cannot leave the send none. When it cannot be
        // read (a host failing or slow, as when answers get lost), a lost answer is looked for
        // by time instead: a message dated no earlier than `unseenTolerance` before the send.
        let now = session.caller.now
        let glance = min(deadline, now + min(.seconds(2), max(.zero, deadline - now) / 8))
        let newest = try? await history(chatID: id, from: nil, limit: 1, deadline: glance).messages.last.map { $0.messageID.unsigned ?? 0 } ?? 0
        let sendingFrom = Timestamp(millisecondsSinceEpoch: Timestamp.wallClock().millisecondsSinceEpoch - Self.unseenTolerance)
        return try await session.confirmedReply(deadline: deadline) { until throws(ConnectorError) in
            let (answer, response) = try await session.post(
                "/v1/chat/send/message", .object(["chat_id": .string(id), "text": .string(text)]),
                as: OzonWriteResponse.self, safety: .nonIdempotent, operation: "chat.send.message", deadline: until)
            if let result = answer.result, result.lowercased() != "success" {
                // Not sent: a retry under the request's Idempotency-Key may run again.
                UpstreamCallCounter.current?.notApplied(operation: "chat.send.message")
                throw .upstreamRejected(UpstreamFailure(marketplace: .ozon, status: response.status, message: "message not sent: \(result)"))
            }
            return ReplyReceipt(itemID: id)
        } find: { _, until throws(ConnectorError) in
            let (messages, _, _) = try await history(chatID: id, from: nil, limit: Self.window, deadline: until)
            let sent = messages.last { message in
                guard Self.sender(message) == "seller", Self.shows(text, in: message) else { return false }
                if let newest { return (message.messageID.unsigned ?? 0) > newest }
                return (message.createdAt?.timestamp).map { $0 >= sendingFrom } ?? false
            }
            return sent.map { ReplyReceipt(itemID: id, replyID: $0.messageID.text, createdAt: $0.createdAt?.timestamp) }
        }
    }

    /// Marks every message up to the chat's latest one read (`/v2/chat/read` with its exact
    /// 64-bit id).
    public func markRead(id: String, deadline: ContinuousClock.Instant) async throws(ConnectorError) {
        try ItemIDShape.uuidOrNumber.check(id)
        let (messages, _, _) = try await history(chatID: id, from: nil, limit: 1, deadline: deadline)
        guard let last = messages.last else { return }
        let messageID: OzonBody = last.messageID.unsigned.map(OzonBody.uint) ?? .string(last.messageID.text)
        _ = try await session.post(
            "/v2/chat/read", .object(["chat_id": .string(id), "from_message_id": messageID]),
            as: OzonWriteResponse.self, safety: .idempotent, operation: "chat.read", deadline: deadline)
    }

    func chatList(cursor: String?, limit: Int, includeRaw: Bool, deadline: ContinuousClock.Instant)
        async throws(ConnectorError) -> OzonPage<OzonChatListed> {
        var body: [String: OzonBody] = ["filter": .object(["chat_status": .string("All"), "unread_only": .bool(false)]), "limit": .int(Int64(limit))]
        if let cursor { body["cursor"] = .string(cursor) }
        let (page, response) = try await session.post("/v3/chat/list", .object(body), as: OzonChatListResponse.self,
                                                      safety: .idempotent, operation: "chat.list", deadline: deadline)
        let chats = page.chats ?? []
        let raws = includeRaw ? OzonSession.rawObjects(response, key: "chats") : []
        let entries = chats.enumerated().map { index, entry in OzonChatListed(entry: entry, raw: index < raws.count ? raws[index] : nil) }
        return OzonPage(entries: entries, nextToken: page.cursor, hasNext: page.hasNext?.value ?? false, asked: cursor)
    }

    /// The latest `limit` messages up to `from` (inclusive; the newest when nil), oldest first,
    /// and whether they are the whole history.
    func history(chatID: String, from: UInt64?, limit: Int, deadline: ContinuousClock.Instant)
        async throws(ConnectorError) -> (messages: [OzonChatMessageObject], complete: Bool, response: UpstreamResponse) {
        var body: [String: OzonBody] = ["chat_id": .string(chatID), "direction": .string("Backward"), "limit": .int(Int64(limit))]
        if let from, from > 0 { body["from_message_id"] = .uint(from) }
        let (page, response) = try await session.post("/v3/chat/history", .object(body), as: OzonChatHistoryResponse.self,
                                                      safety: .idempotent, operation: "chat.history", deadline: deadline)
        // Sorted here: the order Ozon writes a page in is not documented.
        let messages = (page.messages ?? []).sorted { ($0.messageID.unsigned ?? 0) < ($1.messageID.unsigned ?? 0) }
        return (messages, !(page.hasNext?.value ?? false), response)
    }

    /// Items for listed chats, each completed with its history up to the listed last message
    /// (so an item always shows the message the list announced), a few chats at a time. A chat
    /// that vanished in between is left out. A chat whose history Ozon refuses for what it is
    /// (a 4xx other than "later") is given from its list entry alone: one such chat neither
    /// fails the other 99 nor wedges an updates cursor that could never move past it.
    func chatItems(for chats: [OzonChatListed], deadline: ContinuousClock.Instant) async throws(ConnectorError) -> [Item] {
        let outcomes = await OzonFanOut.map(chats, stopsAt: Self.failsPage) { chat throws(ConnectorError) in
            let messages: [OzonChatMessageObject]
            do throws(ConnectorError) {
                messages = try await history(chatID: chat.chatID, from: chat.lastMessageID, limit: Self.window, deadline: deadline).messages
            } catch .itemNotFound where chat.lastMessageID > 0 {
                // The listed last message may be gone (moderated away) while the chat is not:
                // its latest messages, without the anchor.
                messages = try await history(chatID: chat.chatID, from: nil, limit: Self.window, deadline: deadline).messages
            }
            return Self.item(chatID: chat.chatID, listed: chat, messages: messages)
        }
        var items: [Item] = []
        for (chat, outcome) in zip(chats, outcomes) {
            switch outcome {
            case .success(let item): items.append(item)
            case .failure(.itemNotFound): continue
            case .failure(let error) where !Self.failsPage(error): items.append(Self.item(chatID: chat.chatID, listed: chat, messages: []))
            case .failure(let error): throw error
            }
        }
        return items
    }

    /// Whether a chat's failed history fails the page it is on: a failure that may pass (rate
    /// limits, timeouts, 5xx), one of the account's (credentials), and an answer the gateway
    /// could not read (a changed format would otherwise empty every chat unsaid) do; Ozon's
    /// refusal of that one chat (a 4xx but 408, 425 and 429), which the same call would get
    /// again, does not.
    static func failsPage(_ error: ConnectorError) -> Bool {
        switch error {
        case .itemNotFound, .upstreamRejected: false
        case .upstreamError(let failure):
            !(failure.status.map { (400..<500).contains($0) && !UpstreamFailure.saysLater($0) } ?? false)
        default: true
        }
    }

    static func item(chatID: String, listed: OzonChatListed?, messages: [OzonChatMessageObject]) -> Item {
        let last = messages.last
        let lastFromPerson = messages.last { sender($0) != "system" }
        let lastFromBuyer = messages.last { sender($0) == "buyer" }
        let sku = messages.reversed().lazy.compactMap { $0.context?.sku?.text }.first { !$0.isEmpty && $0 != "0" }
        let unread = listed?.entry.unreadCount?.value
            ?? messages.count { sender($0) != "seller" && $0.isRead?.value == false }
        return Item(
            id: chatID, marketplace: .ozon, channel: .chat, kind: .chat, text: last.map(text) ?? "",
            createdAt: listed?.entry.chat.createdAt?.timestamp ?? messages.first?.createdAt?.timestamp ?? OzonDate.missing,
            // Without its messages (a history Ozon refused), a chat with unread ones awaits an answer.
            status: lastFromPerson.map(sender) == "buyer" || (messages.isEmpty && unread > 0) ? .unanswered : .answered,
            author: lastFromBuyer?.user?.id.map { Item.Author(id: $0.text) },
            product: sku.map { Item.Product(id: $0) }, read: unread == 0, unreadCount: unread,
            lastMessage: last.map { Item.Message(id: $0.messageID.text, text: text($0),
                                                 createdAt: $0.createdAt?.timestamp ?? OzonDate.missing, sender: sender($0)) },
            raw: listed?.raw)
    }

    /// `buyer`, `seller` or `system` for Ozon's `user.type` (the official example's "Сustomer"
    /// with a Cyrillic С included).
    static func sender(_ message: OzonChatMessageObject) -> String {
        switch message.user?.type?.lowercased().replacingOccurrences(of: "\u{441}", with: "c") {
        case "customer": "buyer"
        case "seller": "seller"
        default: "system"
        }
    }

    static func text(_ message: OzonChatMessageObject) -> String {
        (message.data ?? []).joined(separator: "\n")
    }

    /// Whether `message` is `sent` as history shows it: Ozon gives `data` as markdown strings
    /// (see `OzonShownText`).
    static func shows(_ sent: String, in message: OzonChatMessageObject) -> Bool {
        OzonShownText.matches(text(message), sent: sent, markdown: true)
    }
}

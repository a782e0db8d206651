import Synchronization

/// The state of the buyer-chat host: chats, the event stream (sorted by `addTimestamp`) and the
/// files sent in it. Messages a seller sends become events; test hooks add buyer messages and
/// new chats. Thread-safe.
public final class WildberriesChatStore: Sendable {
    private struct State {
        var chats: [WildberriesSimulatedChat]
        var events: [WildberriesSimulatedChatEvent]
        var attachments: [String: WildberriesSimulatedAttachment] = [:]
        var random: WildberriesSeededGenerator
        /// Chats in the stream that the chat list does not show.
        var unlisted: Set<String> = []
    }

    private let state: Mutex<State>

    init(chats: [WildberriesSimulatedChat], events: [WildberriesSimulatedChatEvent], seed: UInt64) {
        state = Mutex(State(chats: chats, events: events, random: WildberriesSeededGenerator(seed: seed ^ 0xC4A7_5EED)))
    }

    /// Every chat, in the order they were opened.
    public var chats: [WildberriesSimulatedChat] { state.withLock { $0.chats } }

    /// The whole event stream, oldest first.
    public var events: [WildberriesSimulatedChatEvent] { state.withLock { $0.events } }

    /// The chat `id` as it is now; nil when there is none.
    public func chat(id: String) -> WildberriesSimulatedChat? {
        state.withLock { $0.chats.first { $0.chatID == id } }
    }

    /// Each chat with its latest message, most recent conversation first.
    func chatList() -> [(chat: WildberriesSimulatedChat, last: WildberriesSimulatedChatEvent?)] {
        state.withLock { s in
            var last: [String: WildberriesSimulatedChatEvent] = [:]
            for event in s.events where event.text != nil || !event.attachments.isEmpty { last[event.chatID] = event }
            return s.chats.filter { !s.unlisted.contains($0.chatID) }.map { ($0, last[$0.chatID]) }
                .sorted { ($0.last?.addTimestamp ?? 0, $1.chat.chatID) > ($1.last?.addTimestamp ?? 0, $0.chat.chatID) }
        }
    }

    /// Events whose stream time (whole seconds) is strictly after `next` (all when nil): the
    /// first `pageSize` of them, a page ending where it ends even inside a second, as nothing in
    /// the reference says the real stream avoids. Each comes with its chat, for rendering.
    func events(after next: Int64?, pageSize: Int) -> [(WildberriesSimulatedChatEvent, WildberriesSimulatedChat?)] {
        state.withLock { s in
            let start = next.map { next in s.events.firstIndex { $0.streamTimestamp > next } ?? s.events.count } ?? 0
            let end = min(s.events.count, start + pageSize)
            let chats = Dictionary(s.chats.map { ($0.chatID, $0) }, uniquingKeysWith: { a, _ in a })
            return s.events[start..<end].map { ($0, chats[$0.chatID]) }
        }
    }

    func attachment(id: String) -> WildberriesSimulatedAttachment? {
        state.withLock { $0.attachments[id] }
    }

    /// A seller's message through `POST /api/v1/seller/message`; nil when no chat has `replySign`.
    func send(replySign: String, text: String?, files: [(name: String, contentType: String, bytes: [UInt8])],
              now: Int64) -> WildberriesSimulatedChatEvent? {
        state.withLock { s in
            guard let chat = s.chats.first(where: { $0.replySign == replySign }) else { return nil }
            let time = max(now, s.events.last?.addTimestamp ?? now)
            let attachments = files.map { file in
                WildberriesSimulatedAttachment(downloadID: s.random.uuid(), name: file.name, contentType: file.contentType,
                                               bytes: file.bytes, uploadedAt: time)
            }
            for attachment in attachments { s.attachments[attachment.downloadID] = attachment }
            let event = WildberriesSimulatedChatEvent(chatID: chat.chatID, eventID: s.random.uuid(), text: text,
                                                      attachments: attachments, source: "seller-public-api",
                                                      addTimestamp: time, sender: .seller)
            Self.insert(event, into: &s.events)
            return event
        }
    }

    /// A buyer writes into an existing chat, at `time` (unix ms; now when nil, never before the
    /// newest event). Returns the event, or nil for an unknown chat.
    @discardableResult
    public func addBuyerMessage(chatID: String, text: String, at time: Int64? = nil) -> WildberriesSimulatedChatEvent? {
        let now = WildberriesResponses.nowMilliseconds()
        return state.withLock { s in
            guard s.chats.contains(where: { $0.chatID == chatID }) else { return nil }
            let event = WildberriesSimulatedChatEvent(chatID: chatID, eventID: s.random.uuid(), text: text,
                                                      source: s.random.pick(["rusite", "ios", "android"]),
                                                      addTimestamp: time ?? max(now, s.events.last?.addTimestamp ?? now),
                                                      sender: .client)
            Self.insert(event, into: &s.events)
            return event
        }
    }

    /// Wildberries itself writes into an existing chat (`sender: wb`, a notice such as a delivery
    /// update), at `time` (unix ms; now when nil, never before the newest event). Returns the
    /// event, or nil for an unknown chat.
    @discardableResult
    public func addSystemMessage(chatID: String, text: String, at time: Int64? = nil) -> WildberriesSimulatedChatEvent? {
        let now = WildberriesResponses.nowMilliseconds()
        return state.withLock { s in
            guard s.chats.contains(where: { $0.chatID == chatID }) else { return nil }
            let event = WildberriesSimulatedChatEvent(chatID: chatID, eventID: s.random.uuid(), text: text, source: "wb",
                                                      addTimestamp: time ?? max(now, s.events.last?.addTimestamp ?? now),
                                                      sender: .wb)
            Self.insert(event, into: &s.events)
            return event
        }
    }

    /// A buyer opens a new chat about a product: the chat appears in the list (unless `listed` is
    /// false, as the real list has been seen to lag behind the stream) and its first event (with
    /// `isNewChat` and the `replySign`) in the stream.
    @discardableResult
    public func startChat(clientName: String, text: String, nmId: Int64? = nil, at time: Int64? = nil, listed: Bool = true)
        -> (chat: WildberriesSimulatedChat, event: WildberriesSimulatedChatEvent) {
        let now = WildberriesResponses.nowMilliseconds()
        return state.withLock { s in
            let chatID = "1:" + s.random.uuid()
            let product = WildberriesCatalog.products.first { $0.nmId == nmId } ?? s.random.pick(WildberriesCatalog.products)
            let chat = WildberriesSimulatedChat(
                chatID: chatID, replySign: "\(chatID):\(1_000_000_000 + s.random.next() % 9_000_000_000):\(s.random.hex(128))",
                clientName: clientName, product: product, orderID: s.random.hex(32), orderedAt: now - 3 * 86_400_000)
            let event = WildberriesSimulatedChatEvent(chatID: chatID, eventID: s.random.uuid(), isNewChat: true, text: text,
                                                      includesGoodCard: true, source: "rusite",
                                                      addTimestamp: time ?? max(now, s.events.last?.addTimestamp ?? now),
                                                      sender: .client)
            s.chats.append(chat)
            if !listed { s.unlisted.insert(chatID) }
            Self.insert(event, into: &s.events)
            return (chat, event)
        }
    }

    private static func insert(_ event: WildberriesSimulatedChatEvent, into events: inout [WildberriesSimulatedChatEvent]) {
        let index = events.lastIndex { $0.addTimestamp <= event.addTimestamp }.map { $0 + 1 } ?? 0
        events.insert(event, at: index)
    }
}

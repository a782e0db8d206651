import Connectors

/// What a chat connector knows of one chat, gathered from `/seller/chats` and the event stream:
/// the chat list says nothing of who wrote the last message, and only the first event of a chat
/// carries its `replySign`, so both sources are needed.
struct WildberriesConversation: Sendable, Equatable {
    struct Message: Sendable, Equatable {
        var eventID: String?
        var text: String
        /// Unix ms.
        var at: Int64
        /// `buyer`, `seller` or `system`; nil when not known.
        var sender: String?

        /// Whether the stream's event `eventID` at `at` is this message: its id, or, for one
        /// known by its receipt's time alone, a time within `sameMessageWindow`.
        func isSame(asEvent eventID: String, at: Int64) -> Bool {
            if let known = self.eventID { return known == eventID }
            return abs(self.at - at) < WildberriesConversation.sameMessageWindow
        }
    }

    var chatID: String
    var clientName: String?
    var product: Item.Product?
    var replySign: String?
    /// Unix ms of the chat's first event, when the stream showed it.
    var openedAt: Int64?
    var last: Message?
    /// The newest message of the buyer or the seller: what decides the status when Wildberries
    /// itself (`wb`) wrote last, as Ozon's system notices are passed over too.
    var lastFromPerson: Message?
    /// The stream's newest message, and its newest event without one: who wrote a last message
    /// the chat list shows at another precision (the stream's examples are whole seconds, the
    /// list's milliseconds) or for an event the stream carries without `message`.
    var newestMessageEvent: Message?
    var newestBareEvent: Message?
    /// Whether the chat list has shown this chat: one it has not is known from the stream only.
    var seenInList = false
    /// The ids of the chat's latest events read from the stream (at most `recentEventLimit`): a
    /// message looked for after a lost answer is none of them.
    var recentEventIDs: [String] = []
    static let recentEventLimit = 32

    /// How far apart the list's time and the stream's may be for the same message.
    static let sameMessageWindow: Int64 = 1000

    init(chatID: String) {
        self.chatID = chatID
    }

    /// Takes an event in, keeping the newest message.
    mutating func absorb(_ event: WildberriesChatEvent) {
        if event.sender == "client", let name = event.clientName { clientName = name }
        if let card = event.goodCard?.product { product = card }
        // The chat list's sign is the current one; a replayed old event must not put its own back.
        if replySign == nil, let sign = event.replySign { replySign = sign }
        if event.isNewChat { openedAt = min(openedAt ?? .max, event.addTimestamp) }
        if !recentEventIDs.contains(event.eventID) {
            if recentEventIDs.count == Self.recentEventLimit { recentEventIDs.removeFirst() }
            recentEventIDs.append(event.eventID)
        }
        let message = Message(eventID: event.eventID, text: event.text ?? "", at: event.addTimestamp, sender: event.unifiedSender)
        guard event.isMessage else {
            if event.sender != nil, message.at >= (newestBareEvent?.at ?? .min) { newestBareEvent = message }
            attributeLast()
            return
        }
        if message.at >= (newestMessageEvent?.at ?? .min) { newestMessageEvent = message }
        if let known = last, Self.isTimedFiner(known, message) {
            // The reply just sent (its receipt's milliseconds), which the stream shows in whole
            // seconds, a little earlier: the same message, given its id and keeping its time, so
            // a list, an item and updates show one message, not two.
            last?.eventID = message.eventID
            if let person = lastFromPerson, Self.isTimedFiner(person, message) { lastFromPerson?.eventID = message.eventID }
            return
        }
        notePersonal(message)
        if message.at >= (last?.at ?? .min) { last = message }
        attributeLast()
    }

    /// Whether `known`, a message without an id whose sender is known, is `event` timed at
    /// another precision: the same sender and text, within `sameMessageWindow`.
    private static func isTimedFiner(_ known: Message, _ event: Message) -> Bool {
        known.eventID == nil && known.sender != nil && known.sender == event.sender && known.text == event.text
            && abs(known.at - event.at) < sameMessageWindow
    }

    /// Takes the chat list's view in; its last message replaces ours only when newer (and then
    /// its sender is unknown until the stream tells).
    mutating func absorb(_ chat: WildberriesChat) {
        seenInList = true
        if let name = chat.clientName { clientName = name }
        if let card = chat.goodCard?.product { product = card }
        if let sign = chat.replySign { replySign = sign }
        if let message = chat.lastMessage, let at = message.addedAt?.millisecondsSinceEpoch, at > (last?.at ?? .min) {
            if var known = last, known.sender != nil, known.text == message.text, at - known.at < Self.sameMessageWindow {
                // The message already known (from the stream, or the reply just sent), timed by
                // the list a little later: its sender stays.
                known.at = at
                last = known
                notePersonal(known)
            } else {
                last = Message(eventID: nil, text: message.text, at: at, sender: nil)
                attributeLast()
            }
        }
    }

    /// The seller's reply just sent (its receipt's time): the newest message, and the newest of a
    /// person, until the stream or the list shows a newer one.
    mutating func noteSent(text: String, at: Int64) {
        var message = Message(eventID: nil, text: text, at: at, sender: "seller")
        // The stream may have shown it first (an updates call meanwhile), in whole seconds: the
        // same message keeps the stream's id.
        if let known = last, known.eventID != nil, Self.isTimedFiner(message, known) { message.eventID = known.eventID }
        if at >= (last?.at ?? .min) { last = message }
        notePersonal(message)
    }

    /// Keeps `message` as the newest of a person's when it is one (Wildberries' own are not).
    private mutating func notePersonal(_ message: Message) {
        if message.sender != "system", message.at >= (lastFromPerson?.at ?? .min) { lastFromPerson = message }
    }

    /// Gives a last message of unknown sender (the list's) the sender of the stream's newest
    /// event when that is the same message: its text, within `sameMessageWindow`; or, for a
    /// list message without text, an event without `message` as close.
    private mutating func attributeLast() {
        guard var message = last, message.sender == nil else { return }
        let candidate: Message?
        if let event = newestMessageEvent, abs(event.at - message.at) < Self.sameMessageWindow, event.text == message.text {
            candidate = event
        } else if message.text.isEmpty, let event = newestBareEvent, abs(event.at - message.at) < Self.sameMessageWindow {
            candidate = Message(eventID: nil, text: "", at: event.at, sender: event.sender)
        } else {
            candidate = nil
        }
        guard let candidate else { return }
        message.sender = candidate.sender
        message.eventID = message.eventID ?? candidate.eventID
        last = message
        notePersonal(message)
    }

    /// Whether the item depends on history the ledger has not read: the last message's sender is
    /// unknown, or it is Wildberries' own while the history is not known (`historyKnown`): the
    /// newest person's message the ledger holds may not be the chat's newest.
    func needsHistory(historyKnown: Bool) -> Bool {
        guard let last else { return false }
        return last.sender == nil || (!historyKnown && last.sender == "system")
    }

    /// The unified item. A last message whose sender is unknown counts as the buyer's: it is
    /// surfaced as unanswered rather than hidden. After a message of Wildberries' own, the last
    /// one of a person decides; when none is known, there is nothing to answer only if the
    /// chat's history is (`historyKnown`: the connector's reading of the stream reached its end
    /// since it started); otherwise the buyer may have written before, and the chat is surfaced.
    func item(lastMessage override: Message? = nil, raw: JSONValue? = nil, historyKnown: Bool) -> Item {
        let message = override ?? last
        let at = Timestamp(millisecondsSinceEpoch: message?.at ?? openedAt ?? 0)
        let sender = message?.sender ?? "buyer"
        let decisive = sender == "system" ? lastFromPerson?.sender ?? (historyKnown ? nil : "buyer") : sender
        return Item(id: chatID, marketplace: .wildberries, channel: .chat, kind: .chat, text: message?.text ?? "",
                    createdAt: openedAt.map { Timestamp(millisecondsSinceEpoch: $0) } ?? at,
                    status: decisive == nil || decisive == "seller" ? .answered : .unanswered,
                    author: clientName.map { Item.Author(name: $0) }, product: product,
                    lastMessage: message.map { Item.Message(id: $0.eventID, text: $0.text, createdAt: at, sender: sender) },
                    raw: raw)
    }
}

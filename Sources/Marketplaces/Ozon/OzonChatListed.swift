import Connectors

/// A chat as the list gave it, with the upstream's own object for `Item.raw` when asked for.
struct OzonChatListed: Sendable {
    var entry: OzonChatListEntry
    var raw: JSONValue?

    var chatID: String { entry.chat.chatID }
    var lastMessageID: UInt64 { entry.lastMessageID?.unsigned ?? 0 }

    /// Ozon's announcement chats (API updates, notifications, logistics notices) are not
    /// conversations one replies to, and its support chats are the seller's with Ozon, not with a
    /// buyer (with no buyer's message in them, they would never show unanswered): lists and
    /// updates leave both out.
    var isConversation: Bool {
        guard let type = entry.chat.chatType?.uppercased() else { return true }
        return !["SELLER_API_UPDATES", "SELLER_API_NOTIFICATIONS", "SELLER_NOTIFICATION_LOGISTICS", "SELLER_SUPPORT"].contains(type)
    }
}

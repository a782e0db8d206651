/// A conversation between the seller and a buyer (or Ozon itself), messages in id order.
public struct OzonChat: Sendable, Equatable {
    /// The chat id, a UUID (`chat_id`).
    public var id: String
    /// `OPENED` or `CLOSED`.
    public var status: String
    /// `BUYER_SELLER`, `SELLER_SUPPORT`, `SELLER_API_NOTIFICATIONS`, …
    public var type: String
    /// When the chat was opened, in microseconds since the Unix epoch.
    public var createdAt: Int64
    /// The history, oldest first.
    public var messages: [OzonChatMessage]

    /// An open buyer chat unless told otherwise; `createdAt` in microseconds.
    public init(id: String, status: String = "OPENED", type: String = "BUYER_SELLER", createdAt: Int64, messages: [OzonChatMessage] = []) {
        self.id = id
        self.status = status
        self.type = type
        self.createdAt = createdAt
        self.messages = messages
    }

    /// Messages from anyone but the seller that the seller has not read.
    public var unreadCount: Int {
        messages.count { $0.sender != .seller && !$0.isRead }
    }

    /// The id of the newest message, 0 for an empty chat: what a most-recent-first chat list sorts by.
    public var lastMessageID: UInt64 { messages.last?.id ?? 0 }

    var firstUnreadMessageID: UInt64 {
        messages.first { $0.sender != .seller && !$0.isRead }?.id ?? 0
    }
}

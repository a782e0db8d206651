/// A conversation between the seller and a buyer (or Ozon itself), messages in id order.
public struct OzonChat: Sendable, Equatable {
    public var id: String
    /// `OPENED` or `CLOSED`.
    public var status: String
    /// `BUYER_SELLER`, `SELLER_SUPPORT`, `SELLER_API_NOTIFICATIONS`, …
    public var type: String
    public var createdAt: Int64
    public var messages: [OzonChatMessage]

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

    public var lastMessageID: UInt64 { messages.last?.id ?? 0 }

    var firstUnreadMessageID: UInt64 {
        messages.first { $0.sender != .seller && !$0.isRead }?.id ?? 0
    }
}

/// One message of a chat. Ids are 64-bit and exceed 2^53 (≈3.0e18), so they only survive a
/// round trip through JSON as strings or exact integers.
public struct OzonChatMessage: Sendable, Equatable {
    /// The message id, increasing within an account.
    public var id: UInt64
    /// When it was sent, in microseconds since the Unix epoch.
    public var createdAt: Int64
    /// The message text, sent as the one element of `data`.
    public var text: String
    /// Who wrote it (`user.type`).
    public var sender: OzonChatSender
    /// `user.id`: the buyer's user id, or the seller's Client-Id for its own messages.
    public var senderID: String
    /// For a buyer's message: whether the seller has read it (what `/v2/chat/read` changes).
    public var isRead: Bool
    /// The order the message is about (`context.order_number`), if any.
    public var orderNumber: String?
    /// The product the message is about (`context.sku`), if any.
    public var sku: Int64?

    /// A message as given; `createdAt` in microseconds.
    public init(id: UInt64, createdAt: Int64, text: String, sender: OzonChatSender, senderID: String, isRead: Bool,
                orderNumber: String? = nil, sku: Int64? = nil) {
        self.id = id
        self.createdAt = createdAt
        self.text = text
        self.sender = sender
        self.senderID = senderID
        self.isRead = isRead
        self.orderNumber = orderNumber
        self.sku = sku
    }
}

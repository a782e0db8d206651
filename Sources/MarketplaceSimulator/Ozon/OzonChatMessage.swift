/// One message of a chat. Ids are 64-bit and exceed 2^53 (≈3.0e18), so they only survive a
/// round trip through JSON as strings or exact integers.
public struct OzonChatMessage: Sendable, Equatable {
    public var id: UInt64
    public var createdAt: Int64
    public var text: String
    public var sender: OzonChatSender
    public var senderID: String
    /// For a buyer's message: whether the seller has read it (what `/v2/chat/read` changes).
    public var isRead: Bool
    public var orderNumber: String?
    public var sku: Int64?

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

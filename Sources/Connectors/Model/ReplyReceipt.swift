/// The outcome of a reply the upstream accepted.
public struct ReplyReceipt: Sendable, Equatable, Codable {
    /// The item the reply was posted to.
    public var itemID: String
    /// The upstream's id of the new answer or message, when it returns one.
    public var replyID: String?
    /// When the upstream recorded the reply, when it says.
    public var createdAt: Timestamp?

    /// A receipt with only what the upstream returned; the gateway leaves the rest out of its answer.
    public init(itemID: String, replyID: String? = nil, createdAt: Timestamp? = nil) {
        self.itemID = itemID
        self.replyID = replyID
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case itemID = "item_id"
        case replyID = "reply_id"
        case createdAt = "created_at"
    }
}

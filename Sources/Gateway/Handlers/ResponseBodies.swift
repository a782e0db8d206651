import Connectors

struct ReplyBody: Encodable {
    var itemID: String
    var replyID: String?
    var createdAt: Timestamp?

    enum CodingKeys: String, CodingKey {
        case itemID = "item_id"
        case replyID = "reply_id"
        case createdAt = "created_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(itemID, forKey: .itemID)
        try container.encode(replyID, forKey: .replyID)
        try container.encode(createdAt, forKey: .createdAt)
    }
}

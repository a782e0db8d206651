import Connectors

/// `result` of `POST /api/v1/seller/message`: when the message was added (ms) and to which chat.
struct WildberriesMessageReceipt: Decodable {
    var addedAt: Timestamp?
    var chatID: String?

    enum CodingKeys: String, CodingKey { case addTime, chatID }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        addedAt = c.wildberriesScalar(.addTime).int64.map { Timestamp(millisecondsSinceEpoch: $0) }
            ?? c.wildberriesScalar(.addTime).timestamp
        chatID = c.wildberriesScalar(.chatID).text
    }
}

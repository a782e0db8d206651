import Connectors

/// A chat of `GET /api/v1/seller/chats`. `lastMessage` has no sender: who wrote it is learnt
/// from the event stream.
struct WildberriesChat: Decodable, Sendable {
    struct LastMessage: Decodable, Sendable {
        var text: String
        var addedAt: Timestamp?

        enum CodingKeys: String, CodingKey { case text, addTimestamp }

        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            text = c.wildberriesScalar(.text).string ?? ""
            addedAt = c.wildberriesScalar(.addTimestamp).int64.map { Timestamp(millisecondsSinceEpoch: $0) }
        }
    }

    var chatID: String
    var replySign: String?
    var clientName: String?
    var goodCard: WildberriesGoodCard?
    var lastMessage: LastMessage?

    enum CodingKeys: String, CodingKey { case chatID, replySign, clientName, goodCard, lastMessage }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let chatID = c.wildberriesScalar(.chatID).text else {
            throw DecodingError.dataCorruptedError(forKey: .chatID, in: c, debugDescription: "a chat without chatID")
        }
        self.chatID = chatID
        replySign = c.wildberriesScalar(.replySign).text
        clientName = c.wildberriesScalar(.clientName).text
        goodCard = c.wildberriesLenient(WildberriesGoodCard.self, forKey: .goodCard)
        lastMessage = c.wildberriesLenient(LastMessage.self, forKey: .lastMessage)
    }
}

import Connectors

/// An event of `GET /api/v1/seller/events`. Only `message` events are documented; an event may
/// lack `message`; `replySign` comes only with `isNewChat`; unknown senders are kept as text.
struct WildberriesChatEvent: Decodable, Sendable {
    var chatID: String
    var eventID: String
    var eventType: String?
    var isNewChat: Bool
    var text: String?
    var attachmentCount: Int
    var goodCard: WildberriesGoodCard?
    /// Unix ms.
    var addTimestamp: Int64
    var replySign: String?
    /// `client`, `seller`, `wb`, or whatever else Wildberries adds.
    var sender: String?
    var clientName: String?

    enum CodingKeys: String, CodingKey {
        case chatID, eventID, eventType, isNewChat, message, addTimestamp, addTime, replySign, sender, clientName
    }

    private struct Message: Decodable {
        var text: String?
        var attachments: Attachments?

        struct Attachments: Decodable {
            var goodCard: WildberriesGoodCard?
            var count: Int

            enum CodingKeys: String, CodingKey { case goodCard, files, images }

            init(from decoder: Decoder) throws {
                let c = try decoder.container(keyedBy: CodingKeys.self)
                goodCard = c.wildberriesLenient(WildberriesGoodCard.self, forKey: .goodCard)
                count = (c.wildberriesLenient([WildberriesScalar].self, forKey: .files)?.count ?? 0)
                    + (c.wildberriesLenient([WildberriesScalar].self, forKey: .images)?.count ?? 0)
            }
        }

        enum CodingKeys: String, CodingKey { case text, attachments }

        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            text = c.wildberriesScalar(.text).string
            attachments = c.wildberriesLenient(Attachments.self, forKey: .attachments)
        }
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let chatID = c.wildberriesScalar(.chatID).text, let eventID = c.wildberriesScalar(.eventID).text else {
            throw DecodingError.dataCorruptedError(forKey: .eventID, in: c, debugDescription: "an event without chatID or eventID")
        }
        self.chatID = chatID
        self.eventID = eventID
        eventType = c.wildberriesScalar(.eventType).text
        isNewChat = c.wildberriesScalar(.isNewChat).bool ?? false
        let message = c.wildberriesLenient(Message.self, forKey: .message)
        text = message?.text
        attachmentCount = message?.attachments?.count ?? 0
        goodCard = message?.attachments?.goodCard
        addTimestamp = c.wildberriesScalar(.addTimestamp).int64
            ?? c.wildberriesScalar(.addTime).timestamp?.millisecondsSinceEpoch ?? 0
        replySign = c.wildberriesScalar(.replySign).text
        sender = c.wildberriesScalar(.sender).text
        clientName = c.wildberriesScalar(.clientName).text
    }

    /// Whether the event says something in the conversation (text or files), as opposed to a
    /// bare event without `message`.
    var isMessage: Bool { (text.map { !$0.isEmpty } ?? false) || attachmentCount > 0 }

    /// `buyer`, `seller` or `system`, as unified items name senders.
    var unifiedSender: String {
        switch sender {
        case "seller": "seller"
        case "client": "buyer"
        default: "system"
        }
    }
}

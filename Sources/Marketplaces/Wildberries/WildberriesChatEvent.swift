import Connectors

/// An event of `GET /api/v1/seller/events`. Only `message` events are documented; an event may
/// lack `message`; `replySign` comes only with `isNewChat`; unknown senders are kept as text.
struct WildberriesChatEvent: JSONReadable, Sendable {
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

    private struct Message: JSONReadable {
        var text: String?
        var attachments: Attachments?

        struct Attachments: JSONReadable {
            var goodCard: WildberriesGoodCard?
            var count: Int

            init(json: JSONElement) throws(JSONReadError) {
                var goodCard: WildberriesGoodCard?, count = 0
                try json.members { key, value throws(JSONReadError) in
                    switch key {
                    case "goodCard": goodCard = value.wildberriesLenient(WildberriesGoodCard.self)
                    case "files", "images": count += value.wildberriesLenient([WildberriesScalar].self)?.count ?? 0
                    default: break
                    }
                }
                self.goodCard = goodCard
                self.count = count
            }
        }

        init(json: JSONElement) throws(JSONReadError) {
            var text = WildberriesScalar.null, attachments: Attachments?
            try json.members { key, value throws(JSONReadError) in
                switch key {
                case "text": text = WildberriesScalar(value)
                case "attachments": attachments = value.wildberriesLenient(Attachments.self)
                default: break
                }
            }
            self.text = text.string
            self.attachments = attachments
        }
    }

    init(json: JSONElement) throws(JSONReadError) {
        var chatID = WildberriesScalar.null, eventID = WildberriesScalar.null, eventType = WildberriesScalar.null
        var isNewChat = WildberriesScalar.null, addTimestamp = WildberriesScalar.null, addTime = WildberriesScalar.null
        var replySign = WildberriesScalar.null, sender = WildberriesScalar.null, clientName = WildberriesScalar.null
        var message: Message?
        try json.members { key, value throws(JSONReadError) in
            switch key {
            case "chatID": chatID = WildberriesScalar(value)
            case "eventID": eventID = WildberriesScalar(value)
            case "eventType": eventType = WildberriesScalar(value)
            case "isNewChat": isNewChat = WildberriesScalar(value)
            case "message": message = value.wildberriesLenient(Message.self)
            case "addTimestamp": addTimestamp = WildberriesScalar(value)
            case "addTime": addTime = WildberriesScalar(value)
            case "replySign": replySign = WildberriesScalar(value)
            case "sender": sender = WildberriesScalar(value)
            case "clientName": clientName = WildberriesScalar(value)
            default: break
            }
        }
        guard let chatID = chatID.text, let eventID = eventID.text else {
            throw .unidentified(record: "an event", members: "chatID or eventID")
        }
        self.chatID = chatID
        self.eventID = eventID
        self.eventType = eventType.text
        self.isNewChat = isNewChat.bool ?? false
        text = message?.text
        attachmentCount = message?.attachments?.count ?? 0
        goodCard = message?.attachments?.goodCard
        // Unix ms; a number no date can be (junk) as if absent, as it would overflow where written.
        self.addTimestamp = (addTimestamp.int64.flatMap(FlexibleDate.milliseconds) ?? addTime.timestamp)?.millisecondsSinceEpoch ?? 0
        self.replySign = replySign.text
        self.sender = sender.text
        self.clientName = clientName.text
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

import Connectors

/// A chat of `GET /api/v1/seller/chats`. `lastMessage` has no sender: who wrote it is learnt
/// from the event stream.
struct WildberriesChat: JSONReadable, Sendable {
    struct LastMessage: JSONReadable, Sendable {
        var text: String
        var addedAt: Timestamp?

        init(json: JSONElement) throws(JSONReadError) {
            var text = WildberriesScalar.null, addTimestamp = WildberriesScalar.null
            try json.members { key, value throws(JSONReadError) in
                switch key {
                case "text": text = WildberriesScalar(value)
                case "addTimestamp": addTimestamp = WildberriesScalar(value)
                default: break
                }
            }
            self.text = text.string ?? ""
            addedAt = addTimestamp.int64.flatMap(FlexibleDate.milliseconds)
        }
    }

    var chatID: String
    var replySign: String?
    var clientName: String?
    var goodCard: WildberriesGoodCard?
    var lastMessage: LastMessage?

    init(json: JSONElement) throws(JSONReadError) {
        var chatID = WildberriesScalar.null, replySign = WildberriesScalar.null, clientName = WildberriesScalar.null
        var goodCard: WildberriesGoodCard?, lastMessage: LastMessage?
        try json.members { key, value throws(JSONReadError) in
            switch key {
            case "chatID": chatID = WildberriesScalar(value)
            case "replySign": replySign = WildberriesScalar(value)
            case "clientName": clientName = WildberriesScalar(value)
            case "goodCard": goodCard = value.wildberriesLenient(WildberriesGoodCard.self)
            case "lastMessage": lastMessage = value.wildberriesLenient(LastMessage.self)
            default: break
            }
        }
        guard let chatID = chatID.text else { throw .unidentified(record: "a chat", members: "chatID") }
        self.chatID = chatID
        self.replySign = replySign.text
        self.clientName = clientName.text
        self.goodCard = goodCard
        self.lastMessage = lastMessage
    }
}

import Connectors

/// `result` of `POST /api/v1/seller/message`: when the message was added (ms) and to which chat.
struct WildberriesMessageReceipt: JSONReadable {
    var addedAt: Timestamp?
    var chatID: String?

    init(addedAt: Timestamp?, chatID: String?) {
        self.addedAt = addedAt
        self.chatID = chatID
    }

    init(json: JSONElement) throws(JSONReadError) {
        var addTime = WildberriesScalar.null, chatID = WildberriesScalar.null
        try json.members { key, value throws(JSONReadError) in
            switch key {
            case "addTime": addTime = WildberriesScalar(value)
            case "chatID": chatID = WildberriesScalar(value)
            default: break
            }
        }
        addedAt = addTime.int64.flatMap(FlexibleDate.milliseconds) ?? addTime.timestamp
        self.chatID = chatID.text
    }
}

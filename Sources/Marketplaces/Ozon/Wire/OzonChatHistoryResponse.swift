import Connectors

/// `/v3/chat/history`: messages from the starting one (inclusive) in the asked direction.
struct OzonChatHistoryResponse: JSONReadable, Sendable {
    let messages: [OzonChatMessageObject]?
    let hasNext: OzonFlag?

    init(json: JSONElement) throws(JSONReadError) {
        var messages: [OzonChatMessageObject]?, hasNext: OzonFlag?
        try json.members { key, value throws(JSONReadError) in
            switch key {
            case "messages": messages = try value.nonNull?.array(of: OzonChatMessageObject.self)
            case "has_next": hasNext = try value.nonNull.map(OzonFlag.init(json:))
            default: break
            }
        }
        self.messages = messages
        self.hasNext = hasNext
    }
}

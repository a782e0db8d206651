import Connectors

/// `/v3/chat/list`: a page of chats, the opaque cursor of the next one, whether it exists.
struct OzonChatListResponse: JSONReadable, Sendable {
    let chats: [OzonChatListEntry]?
    let cursor: String?
    let hasNext: OzonFlag?

    init(json: JSONElement) throws(JSONReadError) {
        var chats: [OzonChatListEntry]?, cursor: String?, hasNext: OzonFlag?
        try json.members { key, value throws(JSONReadError) in
            switch key {
            case "chats": chats = try value.nonNull?.array(of: OzonChatListEntry.self)
            case "cursor": cursor = try value.nonNull?.string()
            case "has_next": hasNext = try value.nonNull.map(OzonFlag.init(json:))
            default: break
            }
        }
        self.chats = chats
        self.cursor = cursor
        self.hasNext = hasNext
    }
}

import Connectors

/// One chat of `/v3/chat/list`: the nested `chat` object and the counters beside it. Ids arrive
/// as strings (protobuf JSON) or as numbers. The chat's own fields are also taken from the entry
/// itself when it has no `chat`: Ozon's v2 list was documented nested and answered flat
/// (reference §4.1), and which v3 answers in production is not known.
struct OzonChatListEntry: JSONReadable, Sendable {
    struct Chat: JSONReadable, Sendable {
        let chatID: String
        /// `OPENED`, `CLOSED`, `UNSPECIFIED`, compared case-insensitively.
        let chatStatus: String?
        /// `BUYER_SELLER`, `SELLER_SUPPORT`, `SELLER_API_NOTIFICATIONS`, …
        let chatType: String?
        let createdAt: OzonDate?

        init(json: JSONElement) throws(JSONReadError) {
            var chatID: String?, chatStatus: String?, chatType: String?, createdAt: OzonDate?
            try json.members { key, value throws(JSONReadError) in
                switch key {
                case "chat_id": chatID = try value.nonNull.map(OzonID.init(json:))?.text
                case "chat_status": chatStatus = try value.nonNull?.string()
                case "chat_type": chatType = try value.nonNull?.string()
                case "created_at": createdAt = try value.nonNull.map(OzonDate.init(json:))
                default: break
                }
            }
            guard let chatID else { throw .missing("chat_id") }
            self.chatID = chatID
            self.chatStatus = chatStatus
            self.chatType = chatType
            self.createdAt = createdAt
        }
    }

    let chat: Chat
    let firstUnreadMessageID: OzonID?
    let lastMessageID: OzonID?
    let unreadCount: OzonInt?

    init(json: JSONElement) throws(JSONReadError) {
        var chat: Chat?, firstUnreadMessageID: OzonID?, lastMessageID: OzonID?, unreadCount: OzonInt?
        try json.members { key, value throws(JSONReadError) in
            switch key {
            case "chat": chat = try value.nonNull.map(Chat.init(json:))
            case "first_unread_message_id": firstUnreadMessageID = try value.nonNull.map(OzonID.init(json:))
            case "last_message_id": lastMessageID = try value.nonNull.map(OzonID.init(json:))
            case "unread_count": unreadCount = try value.nonNull.map(OzonInt.init(json:))
            default: break
            }
        }
        guard let chat = chat ?? (try? Chat(json: json)) else { throw .missing("chat") }
        self.chat = chat
        self.firstUnreadMessageID = firstUnreadMessageID
        self.lastMessageID = lastMessageID
        self.unreadCount = unreadCount
    }
}

/// One chat of `/v3/chat/list`: the nested `chat` object and the counters beside it. Ids arrive
/// as strings (protobuf JSON) or as numbers.
struct OzonChatListEntry: Decodable, Sendable {
    struct Chat: Decodable, Sendable {
        let chatID: String
        /// `OPENED`, `CLOSED`, `UNSPECIFIED`, compared case-insensitively.
        let chatStatus: String?
        /// `BUYER_SELLER`, `SELLER_SUPPORT`, `SELLER_API_NOTIFICATIONS`, …
        let chatType: String?
        let createdAt: OzonDate?

        enum CodingKeys: String, CodingKey {
            case chatID = "chat_id"
            case chatStatus = "chat_status"
            case chatType = "chat_type"
            case createdAt = "created_at"
        }
    }

    let chat: Chat
    let firstUnreadMessageID: OzonID?
    let lastMessageID: OzonID?
    let unreadCount: OzonInt?

    enum CodingKeys: String, CodingKey {
        case chat
        case firstUnreadMessageID = "first_unread_message_id"
        case lastMessageID = "last_message_id"
        case unreadCount = "unread_count"
    }
}

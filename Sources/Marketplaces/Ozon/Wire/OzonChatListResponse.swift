/// `/v3/chat/list`: a page of chats, the opaque cursor of the next one, whether it exists.
struct OzonChatListResponse: Decodable, Sendable {
    let chats: [OzonChatListEntry]?
    let cursor: String?
    let hasNext: OzonFlag?

    enum CodingKeys: String, CodingKey {
        case chats, cursor
        case hasNext = "has_next"
    }
}

/// `/v3/chat/history`: messages from the starting one (inclusive) in the asked direction.
struct OzonChatHistoryResponse: Decodable, Sendable {
    let messages: [OzonChatMessageObject]?
    let hasNext: OzonFlag?

    enum CodingKeys: String, CodingKey {
        case messages
        case hasNext = "has_next"
    }
}

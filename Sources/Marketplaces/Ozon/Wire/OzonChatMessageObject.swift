/// A message of `/v3/chat/history`.
struct OzonChatMessageObject: Decodable, Sendable {
    struct User: Decodable, Sendable {
        let id: OzonID?
        /// `Customer`, `Seller`, `Crm`, `Courier`, `Support`, `NotificationUser`; case-insensitive.
        let type: String?
    }

    struct Context: Decodable, Sendable {
        let orderNumber: String?
        let sku: OzonID?

        enum CodingKeys: String, CodingKey {
            case sku
            case orderNumber = "order_number"
        }
    }

    let messageID: OzonID
    let createdAt: OzonDate?
    /// Markdown fragments; together they are the text.
    let data: [String]?
    let isRead: OzonFlag?
    let user: User?
    let context: Context?

    enum CodingKeys: String, CodingKey {
        case data, user, context
        case messageID = "message_id"
        case createdAt = "created_at"
        case isRead = "is_read"
    }
}

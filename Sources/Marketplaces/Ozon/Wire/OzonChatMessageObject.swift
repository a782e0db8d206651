import Connectors

/// A message of `/v3/chat/history`.
struct OzonChatMessageObject: JSONReadable, Sendable {
    struct User: JSONReadable, Sendable {
        let id: OzonID?
        /// `Customer`, `Seller`, `Crm`, `Courier`, `Support`, `NotificationUser`; case-insensitive.
        let type: String?

        init(json: JSONElement) throws(JSONReadError) {
            var id: OzonID?, type: String?
            try json.members { key, value throws(JSONReadError) in
                switch key {
                case "id": id = try value.nonNull.map(OzonID.init(json:))
                case "type": type = try value.nonNull?.string()
                default: break
                }
            }
            self.id = id
            self.type = type
        }
    }

    struct Context: JSONReadable, Sendable {
        let orderNumber: String?
        let sku: OzonID?

        init(json: JSONElement) throws(JSONReadError) {
            var orderNumber: String?, sku: OzonID?
            try json.members { key, value throws(JSONReadError) in
                switch key {
                case "order_number": orderNumber = try value.nonNull?.string()
                case "sku": sku = try value.nonNull.map(OzonID.init(json:))
                default: break
                }
            }
            self.orderNumber = orderNumber
            self.sku = sku
        }
    }

    let messageID: OzonID
    let createdAt: OzonDate?
    /// Markdown fragments; together they are the text.
    let data: [String]?
    let isRead: OzonFlag?
    let user: User?
    let context: Context?

    init(json: JSONElement) throws(JSONReadError) {
        var messageID: OzonID?, createdAt: OzonDate?, data: [String]?, isRead: OzonFlag?, user: User?, context: Context?
        try json.members { key, value throws(JSONReadError) in
            switch key {
            case "message_id": messageID = try value.nonNull.map(OzonID.init(json:))
            case "created_at": createdAt = try value.nonNull.map(OzonDate.init(json:))
            case "data": data = try value.nonNull.map(Self.fragments)
            case "is_read": isRead = try value.nonNull.map(OzonFlag.init(json:))
            case "user": user = try value.nonNull.map(User.init(json:))
            case "context": context = try value.nonNull.map(Context.init(json:))
            default: break
            }
        }
        guard let messageID else { throw .missing("message_id") }
        self.messageID = messageID
        self.createdAt = createdAt
        self.data = data
        self.isRead = isRead
        self.user = user
        self.context = context
    }

    private static func fragments(_ json: JSONElement) throws(JSONReadError) -> [String] {
        var fragments: [String] = []
        try json.elements { element throws(JSONReadError) in fragments.append(try element.string()) }
        return fragments
    }
}

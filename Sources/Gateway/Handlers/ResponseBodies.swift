import Connectors

/// One registered connector as `GET /connectors` lists it.
struct ConnectorSummary: Encodable {
    var marketplace: String
    var channel: String
    var operations: [String]
    /// Whether this tenant has credentials for the marketplace.
    var configured: Bool
}

struct ConnectorListBody: Encodable {
    var connectors: [ConnectorSummary]
}

/// `GET /connectors/{marketplace}/{channel}`: the summary plus upstream health.
struct ConnectorDescriptorBody: Encodable {
    struct Upstream: Encodable {
        struct Budget: Encodable {
            var available: Int
            var burst: Int
        }

        var host: String
        var circuit: String
        var rateBudget: Budget

        enum CodingKeys: String, CodingKey {
            case host, circuit
            case rateBudget = "rate_budget"
        }
    }

    var marketplace: String
    var channel: String
    var operations: [String]
    var configured: Bool
    /// Empty until the tenant's first call has built the session.
    var upstreams: [Upstream]
}

struct ReplyBody: Encodable {
    var itemID: String
    var replyID: String?
    var createdAt: Timestamp?

    enum CodingKeys: String, CodingKey {
        case itemID = "item_id"
        case replyID = "reply_id"
        case createdAt = "created_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(itemID, forKey: .itemID)
        try container.encode(replyID, forKey: .replyID)
        try container.encode(createdAt, forKey: .createdAt)
    }
}

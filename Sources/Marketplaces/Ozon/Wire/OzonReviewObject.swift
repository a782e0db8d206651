import Connectors

/// A review as `/v2/review/list`, `/v1/review/list` and `/v1/review/info` write it. Every field
/// is optional but the id: Ozon adds and drops fields between versions.
struct OzonReviewObject: JSONReadable, Sendable {
    let id: String
    let sku: OzonID?
    let text: String?
    let publishedAt: OzonDate?
    let rating: OzonInt?
    /// v2: `NEW`, `VIEWED`, `PROCESSED`; v1: `UNPROCESSED`, `PROCESSED`; anything else tolerated.
    let status: OzonStatus?
    let commentsAmount: OzonInt?

    init(json: JSONElement) throws(JSONReadError) {
        var id: String?, sku: OzonID?, text: String?, publishedAt: OzonDate?, rating: OzonInt?
        var status: OzonStatus?, commentsAmount: OzonInt?
        try json.members { key, value throws(JSONReadError) in
            switch key {
            case "id": id = try value.nonNull?.string()
            case "sku": sku = try value.nonNull.map(OzonID.init(json:))
            case "text": text = try value.nonNull?.string()
            case "published_at": publishedAt = try value.nonNull.map(OzonDate.init(json:))
            case "rating": rating = try value.nonNull.map(OzonInt.init(json:))
            case "status": status = try value.nonNull.map(OzonStatus.init(json:))
            case "comments_amount": commentsAmount = try value.nonNull.map(OzonInt.init(json:))
            default: break
            }
        }
        guard let id else { throw .missing("id") }
        self.id = id
        self.sku = sku
        self.text = text
        self.publishedAt = publishedAt
        self.rating = rating
        self.status = status
        self.commentsAmount = commentsAmount
    }
}

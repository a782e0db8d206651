import Connectors

/// A question as `/v1/question/list` and `/v1/question/info` write it.
struct OzonQuestionObject: JSONReadable, Sendable {
    let id: String
    let sku: OzonID?
    let text: String?
    let authorName: String?
    let publishedAt: OzonDate?
    /// `NEW`, `VIEWED`, `PROCESSED` (and `UNPROCESSED` in some copies); others tolerated.
    let status: OzonStatus?
    let answersCount: OzonInt?
    let productURL: String?

    init(json: JSONElement) throws(JSONReadError) {
        var id: String?, sku: OzonID?, text: String?, authorName: String?, publishedAt: OzonDate?
        var status: OzonStatus?, answersCount: OzonInt?, productURL: String?
        try json.members { key, value throws(JSONReadError) in
            switch key {
            case "id": id = try value.nonNull?.string()
            case "sku": sku = try value.nonNull.map(OzonID.init(json:))
            case "text": text = try value.nonNull?.string()
            case "author_name": authorName = try value.nonNull?.string()
            case "published_at": publishedAt = try value.nonNull.map(OzonDate.init(json:))
            case "status": status = try value.nonNull.map(OzonStatus.init(json:))
            case "answers_count": answersCount = try value.nonNull.map(OzonInt.init(json:))
            case "product_url": productURL = try value.nonNull?.string()
            default: break
            }
        }
        guard let id else { throw .missing("id") }
        self.id = id
        self.sku = sku
        self.text = text
        self.authorName = authorName
        self.publishedAt = publishedAt
        self.status = status
        self.answersCount = answersCount
        self.productURL = productURL
    }
}

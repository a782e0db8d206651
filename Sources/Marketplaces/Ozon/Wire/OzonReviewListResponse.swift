import Connectors

/// `/v2/review/list`: a page of reviews, the keyset position after it, whether more follow.
struct OzonReviewListResponse: JSONReadable, Sendable {
    let reviews: [OzonReviewObject]?
    let lastID: String?
    let hasNext: OzonFlag?

    init(json: JSONElement) throws(JSONReadError) {
        var reviews: [OzonReviewObject]?, lastID: String?, hasNext: OzonFlag?
        try json.members { key, value throws(JSONReadError) in
            switch key {
            case "reviews": reviews = try value.nonNull?.array(of: OzonReviewObject.self)
            case "last_id": lastID = try value.nonNull?.string()
            case "has_next": hasNext = try value.nonNull.map(OzonFlag.init(json:))
            default: break
            }
        }
        self.reviews = reviews
        self.lastID = lastID
        self.hasNext = hasNext
    }
}

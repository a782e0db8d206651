import Connectors

/// A comment under a review (`/v1/review/comment/list`).
struct OzonReviewCommentObject: JSONReadable, Sendable {
    let id: String?
    let text: String?
    let publishedAt: OzonDate?
    let isOwner: OzonFlag?
    let isOfficial: OzonFlag?
    let parentCommentID: String?

    init(json: JSONElement) throws(JSONReadError) {
        var id: String?, text: String?, publishedAt: OzonDate?, isOwner: OzonFlag?, isOfficial: OzonFlag?
        var parentCommentID: String?
        try json.members { key, value throws(JSONReadError) in
            switch key {
            case "id": id = try value.nonNull?.string()
            case "text": text = try value.nonNull?.string()
            case "published_at": publishedAt = try value.nonNull.map(OzonDate.init(json:))
            case "is_owner": isOwner = try value.nonNull.map(OzonFlag.init(json:))
            case "is_official": isOfficial = try value.nonNull.map(OzonFlag.init(json:))
            case "parent_comment_id": parentCommentID = try value.nonNull?.string()
            default: break
            }
        }
        self.id = id
        self.text = text
        self.publishedAt = publishedAt
        self.isOwner = isOwner
        self.isOfficial = isOfficial
        self.parentCommentID = parentCommentID
    }
}

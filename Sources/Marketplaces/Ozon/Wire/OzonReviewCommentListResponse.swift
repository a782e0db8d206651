import Connectors

/// `/v1/review/comment/list`: comments and the offset of the next page.
struct OzonReviewCommentListResponse: JSONReadable, Sendable {
    let comments: [OzonReviewCommentObject]?

    init(json: JSONElement) throws(JSONReadError) {
        var comments: [OzonReviewCommentObject]?
        try json.members { key, value throws(JSONReadError) in
            if case "comments" = key { comments = try value.nonNull?.array(of: OzonReviewCommentObject.self) }
        }
        self.comments = comments
    }
}

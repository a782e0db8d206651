/// A comment under a review (`/v1/review/comment/list`).
struct OzonReviewCommentObject: Decodable, Sendable {
    let id: String?
    let text: String?
    let publishedAt: OzonDate?
    let isOwner: OzonFlag?
    let isOfficial: OzonFlag?
    let parentCommentID: String?

    enum CodingKeys: String, CodingKey {
        case id, text
        case publishedAt = "published_at"
        case isOwner = "is_owner"
        case isOfficial = "is_official"
        case parentCommentID = "parent_comment_id"
    }
}

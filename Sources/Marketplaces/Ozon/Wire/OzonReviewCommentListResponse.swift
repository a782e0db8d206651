/// `/v1/review/comment/list`: comments and the offset of the next page.
struct OzonReviewCommentListResponse: Decodable, Sendable {
    let comments: [OzonReviewCommentObject]?
}

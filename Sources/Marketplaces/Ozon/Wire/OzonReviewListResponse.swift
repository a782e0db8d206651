/// `/v2/review/list`: a page of reviews, the keyset position after it, whether more follow.
struct OzonReviewListResponse: Decodable, Sendable {
    let reviews: [OzonReviewObject]?
    let lastID: String?
    let hasNext: OzonFlag?

    enum CodingKeys: String, CodingKey {
        case reviews
        case lastID = "last_id"
        case hasNext = "has_next"
    }
}

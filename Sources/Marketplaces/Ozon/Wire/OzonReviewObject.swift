/// A review as `/v2/review/list`, `/v1/review/list` and `/v1/review/info` write it. Every field
/// is optional but the id: Ozon adds and drops fields between versions.
struct OzonReviewObject: Decodable, Sendable {
    let id: String
    let sku: OzonID?
    let text: String?
    let publishedAt: OzonDate?
    let rating: OzonInt?
    /// v2: `NEW`, `VIEWED`, `PROCESSED`; v1: `UNPROCESSED`, `PROCESSED`; anything else tolerated.
    let status: String?
    let orderStatus: String?
    let commentsAmount: OzonInt?

    enum CodingKeys: String, CodingKey {
        case id, sku, text, rating, status
        case publishedAt = "published_at"
        case orderStatus = "order_status"
        case commentsAmount = "comments_amount"
    }
}

/// A question as `/v1/question/list` and `/v1/question/info` write it.
struct OzonQuestionObject: Decodable, Sendable {
    let id: String
    let sku: OzonID?
    let text: String?
    let authorName: String?
    let publishedAt: OzonDate?
    /// `NEW`, `VIEWED`, `PROCESSED` (and `UNPROCESSED` in some copies); others tolerated.
    let status: String?
    let answersCount: OzonInt?
    let productURL: String?

    enum CodingKeys: String, CodingKey {
        case id, sku, text, status
        case authorName = "author_name"
        case publishedAt = "published_at"
        case answersCount = "answers_count"
        case productURL = "product_url"
    }
}

/// An answer to a question (`/v1/question/answer/list`).
struct OzonQuestionAnswerObject: Decodable, Sendable {
    let id: String?
    let text: String?
    let publishedAt: OzonDate?
    let statusPublication: String?

    enum CodingKeys: String, CodingKey {
        case id, text
        case publishedAt = "published_at"
        case statusPublication = "status_publication"
    }
}

/// What Ozon's write methods answer: `comment_id`, `answer_id`, `result` or `unread_count`,
/// depending on the method.
struct OzonWriteResponse: Decodable, Sendable {
    let commentID: String?
    let answerID: String?
    let result: String?

    enum CodingKeys: String, CodingKey {
        case result
        case commentID = "comment_id"
        case answerID = "answer_id"
    }
}

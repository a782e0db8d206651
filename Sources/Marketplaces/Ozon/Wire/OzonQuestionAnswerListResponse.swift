/// `/v1/question/answer/list`: answers and the keyset position after them.
struct OzonQuestionAnswerListResponse: Decodable, Sendable {
    let answers: [OzonQuestionAnswerObject]?
    let lastID: String?

    enum CodingKeys: String, CodingKey {
        case answers
        case lastID = "last_id"
    }
}

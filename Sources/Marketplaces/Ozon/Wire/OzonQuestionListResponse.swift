/// `/v1/question/list`: a page of questions and the keyset position after it. Older versions
/// send no `has_next`: an empty page or an empty `last_id` ends the list then.
struct OzonQuestionListResponse: Decodable, Sendable {
    let questions: [OzonQuestionObject]?
    let lastID: String?
    let hasNext: OzonFlag?

    enum CodingKeys: String, CodingKey {
        case questions
        case lastID = "last_id"
        case hasNext = "has_next"
    }
}

import Connectors

/// `/v1/question/answer/list`: answers and the keyset position after them.
struct OzonQuestionAnswerListResponse: JSONReadable, Sendable {
    let answers: [OzonQuestionAnswerObject]?
    let lastID: String?

    init(json: JSONElement) throws(JSONReadError) {
        var answers: [OzonQuestionAnswerObject]?, lastID: String?
        try json.members { key, value throws(JSONReadError) in
            switch key {
            case "answers": answers = try value.nonNull?.array(of: OzonQuestionAnswerObject.self)
            case "last_id": lastID = try value.nonNull?.string()
            default: break
            }
        }
        self.answers = answers
        self.lastID = lastID
    }
}

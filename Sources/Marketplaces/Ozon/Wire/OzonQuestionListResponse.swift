import Connectors

/// `/v1/question/list`: a page of questions and the keyset position after it. Older versions
/// send no `has_next`: an empty page or an empty `last_id` ends the list then.
struct OzonQuestionListResponse: JSONReadable, Sendable {
    let questions: [OzonQuestionObject]?
    let lastID: String?
    let hasNext: OzonFlag?

    init(json: JSONElement) throws(JSONReadError) {
        var questions: [OzonQuestionObject]?, lastID: String?, hasNext: OzonFlag?
        try json.members { key, value throws(JSONReadError) in
            switch key {
            case "questions": questions = try value.nonNull?.array(of: OzonQuestionObject.self)
            case "last_id": lastID = try value.nonNull?.string()
            case "has_next": hasNext = try value.nonNull.map(OzonFlag.init(json:))
            default: break
            }
        }
        self.questions = questions
        self.lastID = lastID
        self.hasNext = hasNext
    }
}

import Connectors

/// What Ozon's write methods answer: `comment_id`, `answer_id`, `result` or `unread_count`,
/// depending on the method.
struct OzonWriteResponse: JSONReadable, Sendable {
    let commentID: String?
    let answerID: String?
    let result: String?

    init(json: JSONElement) throws(JSONReadError) {
        var commentID: String?, answerID: String?, result: String?
        try json.members { key, value throws(JSONReadError) in
            switch key {
            case "comment_id": commentID = try value.nonNull?.string()
            case "answer_id": answerID = try value.nonNull?.string()
            case "result": result = try value.nonNull?.string()
            default: break
            }
        }
        self.commentID = commentID
        self.answerID = answerID
        self.result = result
    }
}

import Connectors

/// An answer to a question (`/v1/question/answer/list`).
struct OzonQuestionAnswerObject: JSONReadable, Sendable {
    let id: String?
    let text: String?
    let publishedAt: OzonDate?
    let statusPublication: String?

    /// Whether the buyer sees the answer or soon will: every state but the two moderation's
    /// refusals (`MODERATION_FAILED`, `DUPLICATE`); one not known yet counts as seen, so that a
    /// new state never reopens questions.
    var isStanding: Bool {
        statusPublication != "MODERATION_FAILED" && statusPublication != "DUPLICATE"
    }

    init(json: JSONElement) throws(JSONReadError) {
        var id: String?, text: String?, publishedAt: OzonDate?, statusPublication: String?
        try json.members { key, value throws(JSONReadError) in
            switch key {
            case "id": id = try value.nonNull?.string()
            case "text": text = try value.nonNull?.string()
            case "published_at": publishedAt = try value.nonNull.map(OzonDate.init(json:))
            case "status_publication": statusPublication = try value.nonNull?.string()
            default: break
            }
        }
        self.id = id
        self.text = text
        self.publishedAt = publishedAt
        self.statusPublication = statusPublication
    }
}

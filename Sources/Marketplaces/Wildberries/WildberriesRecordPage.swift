import Connectors

/// `data` of `GET /api/v1/feedbacks` or `GET /api/v1/questions`: the records (under
/// `feedbacks` or `questions`) and the host's counters.
struct WildberriesRecordPage<Record: WildberriesRecord>: JSONReadable {
    /// Every element of the page, nil where one could not be read; offsets count them all.
    var records: [Record?]
    var countUnanswered: Int?
    var countArchive: Int?

    init(json: JSONElement) throws(JSONReadError) {
        var feedbacks: JSONElement?, questions: JSONElement?
        var countUnanswered = WildberriesScalar.null, countArchive = WildberriesScalar.null
        try json.members { key, value throws(JSONReadError) in
            switch key {
            case "feedbacks": feedbacks = value.nonNull
            case "questions": questions = value.nonNull
            case "countUnanswered": countUnanswered = WildberriesScalar(value)
            case "countArchive": countArchive = WildberriesScalar(value)
            default: break
            }
        }
        // `questions` is looked at only when there are no `feedbacks`.
        records = try (feedbacks ?? questions).map(WildberriesLossyList<Record>.init(json:))?.elements ?? []
        self.countUnanswered = countUnanswered.int
        self.countArchive = countArchive.int
    }
}

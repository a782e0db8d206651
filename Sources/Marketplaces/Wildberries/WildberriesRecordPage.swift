/// `data` of `GET /api/v1/feedbacks` or `GET /api/v1/questions`: the records (under
/// `feedbacks` or `questions`) and the host's counters.
struct WildberriesRecordPage<Record: WildberriesRecord>: Decodable {
    /// Every element of the page, nil where one could not be read; offsets count them all.
    var records: [Record?]
    var countUnanswered: Int?
    var countArchive: Int?

    enum CodingKeys: String, CodingKey {
        case feedbacks, questions, countUnanswered, countArchive
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let list = try c.decodeIfPresent(WildberriesLossyList<Record>.self, forKey: .feedbacks)
            ?? c.decodeIfPresent(WildberriesLossyList<Record>.self, forKey: .questions)
        records = list?.elements ?? []
        countUnanswered = c.wildberriesScalar(.countUnanswered).int
        countArchive = c.wildberriesScalar(.countArchive).int
    }
}

import Connectors

/// A feedback of `GET /api/v1/feedbacks` or `GET /api/v1/feedback`, read leniently: every field
/// but `id` may be missing, null, or of a looser type than documented.
struct WildberriesFeedback: WildberriesRecord {
    var id: String
    var text: String
    var pros: String
    var cons: String
    var rating: Int?
    var createdAt: Timestamp?
    var answer: WildberriesAnswer?
    var state: String?
    var product: WildberriesProductDetails?
    var wasViewed: Bool?
    var userName: String?

    enum CodingKeys: String, CodingKey {
        case id, text, pros, cons, productValuation, createdDate, answer, state, productDetails, wasViewed, userName
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let id = c.wildberriesScalar(.id).text else {
            throw DecodingError.dataCorruptedError(forKey: .id, in: c, debugDescription: "a feedback without id")
        }
        self.id = id
        text = c.wildberriesScalar(.text).string ?? ""
        pros = c.wildberriesScalar(.pros).string ?? ""
        cons = c.wildberriesScalar(.cons).string ?? ""
        rating = c.wildberriesScalar(.productValuation).int
        createdAt = c.wildberriesScalar(.createdDate).timestamp
        answer = c.wildberriesLenient(WildberriesAnswer.self, forKey: .answer)
        state = c.wildberriesScalar(.state).text
        product = c.wildberriesLenient(WildberriesProductDetails.self, forKey: .productDetails)
        wasViewed = c.wildberriesScalar(.wasViewed).bool
        userName = c.wildberriesScalar(.userName).text
    }

    var hasAnswer: Bool { answer != nil }
}

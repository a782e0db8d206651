import Connectors

/// A question of `GET /api/v1/questions` or `GET /api/v1/question`, read leniently.
struct WildberriesQuestion: WildberriesRecord {
    var id: String
    var text: String
    var createdAt: Timestamp?
    /// `suppliersPortalSynch` new, `wbRu` answered, `none` rejected; others kept as they come.
    var state: String?
    var answer: WildberriesAnswer?
    var product: WildberriesProductDetails?
    var wasViewed: Bool?

    enum CodingKeys: String, CodingKey {
        case id, text, createdDate, state, answer, productDetails, wasViewed
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let id = c.wildberriesScalar(.id).text else {
            throw DecodingError.dataCorruptedError(forKey: .id, in: c, debugDescription: "a question without id")
        }
        self.id = id
        text = c.wildberriesScalar(.text).string ?? ""
        createdAt = c.wildberriesScalar(.createdDate).timestamp
        state = c.wildberriesScalar(.state).text
        answer = c.wildberriesLenient(WildberriesAnswer.self, forKey: .answer)
        product = c.wildberriesLenient(WildberriesProductDetails.self, forKey: .productDetails)
        wasViewed = c.wildberriesScalar(.wasViewed).bool
    }

    var hasAnswer: Bool { answer != nil }
}

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

    init(json: JSONElement) throws(JSONReadError) {
        var id = WildberriesScalar.null, text = WildberriesScalar.null, createdDate = WildberriesScalar.null
        var state = WildberriesScalar.null, wasViewed = WildberriesScalar.null
        var answer: WildberriesAnswer?, product: WildberriesProductDetails?
        try json.members { key, value throws(JSONReadError) in
            switch key {
            case "id": id = WildberriesScalar(value)
            case "text": text = WildberriesScalar(value)
            case "createdDate": createdDate = WildberriesScalar(value)
            case "state": state = WildberriesScalar(value)
            case "answer": answer = value.wildberriesLenient(WildberriesAnswer.self)
            case "productDetails": product = value.wildberriesLenient(WildberriesProductDetails.self)
            case "wasViewed": wasViewed = WildberriesScalar(value)
            default: break
            }
        }
        guard let id = id.text else { throw .unidentified(record: "a question", members: "id") }
        self.id = id
        self.text = text.string ?? ""
        createdAt = createdDate.timestamp
        self.state = state.text
        self.answer = answer
        self.product = product
        self.wasViewed = wasViewed.bool
    }

    var hasAnswer: Bool { answer != nil }

    var showsAnswer: Bool { hasAnswer }
}

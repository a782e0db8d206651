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

    init(json: JSONElement) throws(JSONReadError) {
        var id = WildberriesScalar.null, text = WildberriesScalar.null, pros = WildberriesScalar.null
        var cons = WildberriesScalar.null, rating = WildberriesScalar.null, createdDate = WildberriesScalar.null
        var state = WildberriesScalar.null, wasViewed = WildberriesScalar.null, userName = WildberriesScalar.null
        var answer: WildberriesAnswer?, product: WildberriesProductDetails?
        try json.members { key, value throws(JSONReadError) in
            switch key {
            case "id": id = WildberriesScalar(value)
            case "text": text = WildberriesScalar(value)
            case "pros": pros = WildberriesScalar(value)
            case "cons": cons = WildberriesScalar(value)
            case "productValuation": rating = WildberriesScalar(value)
            case "createdDate": createdDate = WildberriesScalar(value)
            case "answer": answer = value.wildberriesLenient(WildberriesAnswer.self)
            case "state": state = WildberriesScalar(value)
            case "productDetails": product = value.wildberriesLenient(WildberriesProductDetails.self)
            case "wasViewed": wasViewed = WildberriesScalar(value)
            case "userName": userName = WildberriesScalar(value)
            default: break
            }
        }
        guard let id = id.text else { throw .unidentified(record: "a feedback", members: "id") }
        self.id = id
        self.text = text.string ?? ""
        self.pros = pros.string ?? ""
        self.cons = cons.string ?? ""
        self.rating = rating.int
        createdAt = createdDate.timestamp
        self.answer = answer
        self.state = state.text
        self.product = product
        self.wasViewed = wasViewed.bool
        self.userName = userName.text
    }

    /// The side Wildberries files the feedback under (`isAnswered`), which the archive is sorted
    /// by as well: any answer, even one moderation turned down.
    var hasAnswer: Bool { answer != nil }

    /// An answer the buyer sees, or one still under moderation: one moderation turned down
    /// leaves the feedback waiting for an answer, whichever side it is filed under.
    var hasStandingAnswer: Bool { answer.map { !$0.wasRejected } ?? false }

    var showsAnswer: Bool { hasStandingAnswer }
}

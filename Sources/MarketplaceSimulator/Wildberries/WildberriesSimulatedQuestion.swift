import Foundation

/// One buyer question as the feedbacks host keeps it.
public struct WildberriesSimulatedQuestion: Sendable, Equatable {
    public var id: String
    public var text: String
    /// Unix milliseconds.
    public var createdAt: Int64
    public var createdDateText: String
    /// `suppliersPortalSynch` new, `wbRu` answered and shown, `none` rejected by the seller.
    public var state: String
    public var answer: WildberriesSimulatedAnswer?
    public var product: WildberriesSimulatedProduct
    public var wasViewed: Bool
    public var isWarned: Bool

    public init(id: String, text: String, createdAt: Int64, createdDateText: String? = nil, state: String? = nil,
                answer: WildberriesSimulatedAnswer? = nil, product: WildberriesSimulatedProduct,
                wasViewed: Bool = false, isWarned: Bool = false) {
        self.id = id
        self.text = text
        self.createdAt = createdAt
        self.createdDateText = createdDateText ?? WildberriesDateText.utc(createdAt, fractionDigits: 9)
        self.state = state ?? (answer == nil ? "suppliersPortalSynch" : "wbRu")
        self.answer = answer
        self.product = product
        self.wasViewed = wasViewed
        self.isWarned = isWarned
    }

    /// The Question object of `GET /api/v1/questions` and `GET /api/v1/question`.
    func json() -> [String: Any] {
        let answerJSON: Any = answer.map {
            ["text": $0.text, "editable": $0.editable, "createDate": WildberriesDateText.utc($0.createdAt, fractionDigits: 9)] as [String: Any]
        } ?? NSNull()
        return [
            "id": id, "text": text, "createdDate": createdDateText, "state": state, "answer": answerJSON,
            "productDetails": product.details(withSize: false), "wasViewed": wasViewed, "isWarned": isWarned,
        ]
    }
}

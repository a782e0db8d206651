import Foundation

/// One buyer question as the feedbacks host keeps it.
public struct WildberriesSimulatedQuestion: Sendable, Equatable {
    /// The question id, 20 base62 characters.
    public var id: String
    /// The buyer's question.
    public var text: String
    /// Unix milliseconds.
    public var createdAt: Int64
    /// `createdDate` exactly as the host writes it.
    public var createdDateText: String
    /// `suppliersPortalSynch` new, `wbRu` answered and shown, `none` rejected by the seller.
    public var state: String
    /// The seller's answer, nil while unanswered.
    public var answer: WildberriesSimulatedAnswer?
    /// The product asked about (`productDetails`, without the size).
    public var product: WildberriesSimulatedProduct
    /// Whether the seller has opened the question; `PATCH … wasViewed` sets it.
    public var wasViewed: Bool
    /// Wildberries flagged the question as possibly breaking its rules (`isWarned`).
    public var isWarned: Bool

    /// An unanswered, unviewed question unless told otherwise. `createdAt` in unix ms;
    /// `createdDateText` and `state` default to what the host would write for them.
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

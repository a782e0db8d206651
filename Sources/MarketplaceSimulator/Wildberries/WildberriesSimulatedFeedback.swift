import Foundation

/// One buyer feedback as the feedbacks host keeps it. `createdDateText` is the date exactly as
/// the host writes it (formats vary, reference §5.3); `createdAt` orders and filters.
public struct WildberriesSimulatedFeedback: Sendable, Equatable {
    /// The feedback id, 20 base62 characters.
    public var id: String
    /// The buyer's comment.
    public var text: String
    /// The buyer's "Достоинства" field; may be empty.
    public var pros: String
    /// The buyer's "Недостатки" field; may be empty.
    public var cons: String
    /// `productValuation`, 1…5.
    public var rating: Int
    /// Unix milliseconds.
    public var createdAt: Int64
    /// `createdDate` exactly as the host writes it.
    public var createdDateText: String
    /// The seller's answer, nil while unanswered.
    public var answer: WildberriesSimulatedAnswer?
    /// `none` or `wbRu`; not always in step with `answer` (reference §5.4).
    public var state: String
    /// The product reviewed (`productDetails`).
    public var product: WildberriesSimulatedProduct
    /// Whether the seller has opened the feedback.
    public var wasViewed: Bool
    /// The buyer's name as shown.
    public var userName: String
    /// `buyout`, `rejected`, `returned` and the like, as the host reports the order.
    public var orderStatus: String
    /// `ok`, `smaller` or `bigger`; empty for products without a size.
    public var matchingSize: String
    /// Photos attached; each is listed under `photoLinks`.
    public var photoCount: Int
    /// The buyer's picked tags ("качественный материал"), under Wildberries' own spelling `bables`.
    public var bables: [String]
    /// Moved to the archive (answered, unanswered for 30 days, or without text or photos, as
    /// Wildberries decides): listed by `/api/v1/feedbacks/archive`, no longer by `/api/v1/feedbacks`.
    public var isArchived = false

    /// An unanswered, unviewed feedback unless told otherwise. `createdAt` in unix ms;
    /// `createdDateText` and `state` default to what the host would write for them.
    public init(id: String, text: String, pros: String = "", cons: String = "", rating: Int, createdAt: Int64,
                createdDateText: String? = nil, answer: WildberriesSimulatedAnswer? = nil, state: String? = nil,
                product: WildberriesSimulatedProduct, wasViewed: Bool = false, userName: String,
                orderStatus: String = "buyout", matchingSize: String = "ok", photoCount: Int = 0, bables: [String] = []) {
        self.id = id
        self.text = text
        self.pros = pros
        self.cons = cons
        self.rating = rating
        self.createdAt = createdAt
        self.createdDateText = createdDateText ?? WildberriesDateText.utc(createdAt)
        self.answer = answer
        self.state = state ?? (answer == nil ? "none" : "wbRu")
        self.product = product
        self.wasViewed = wasViewed
        self.userName = userName
        self.orderStatus = orderStatus
        self.matchingSize = matchingSize
        self.photoCount = photoCount
        self.bables = bables
    }

    /// The Feedback object of `GET /api/v1/feedbacks` and `GET /api/v1/feedback`.
    func json() -> [String: Any] {
        let photos: Any = photoCount == 0 ? NSNull() : (1...photoCount).map { index in
            ["fullSize": "https://feedback-photos.wbbasket.ru/vol\(product.nmId % 1000)/\(id)/\(index)/fs.webp",
             "miniSize": "https://feedback-photos.wbbasket.ru/vol\(product.nmId % 1000)/\(id)/\(index)/ms.webp"]
        }
        let answerJSON: Any = answer.map { ["text": $0.text, "state": $0.state, "editable": $0.editable] as [String: Any] } ?? NSNull()
        return [
            "id": id, "text": text, "pros": pros, "cons": cons, "productValuation": rating,
            "createdDate": createdDateText, "answer": answerJSON, "state": state,
            "productDetails": product.details(withSize: true),
            "photoLinks": photos, "video": NSNull(), "wasViewed": wasViewed, "userName": userName,
            "orderStatus": orderStatus, "matchingSize": matchingSize,
            "isAbleSupplierFeedbackValuation": rating <= 3, "supplierFeedbackValuation": 0,
            "isAbleSupplierProductValuation": rating <= 3, "supplierProductValuation": 0,
            "isAbleReturnProductOrders": false, "returnProductOrdersDate": NSNull(),
            "bables": bables.isEmpty ? NSNull() : bables,
            "lastOrderShkId": 27_800_000_000 + product.nmId % 1_000_000,
            "lastOrderCreatedAt": WildberriesDateText.utc(createdAt - 6 * 86_400_000, fractionDigits: 6),
            "color": product.color, "subjectId": product.subjectId, "subjectName": product.subjectName,
            "parentFeedbackId": NSNull(), "childFeedbackId": NSNull(),
        ]
    }
}

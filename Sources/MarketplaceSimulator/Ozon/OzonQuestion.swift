/// A buyer's question about a product, with the seller's answers.
public struct OzonQuestion: Sendable, Equatable {
    /// The question id, a time-ordered UUID (version 7) as Ozon's are.
    public var id: String
    /// The product asked about.
    public var sku: Int64
    /// The buyer's question.
    public var text: String
    /// The name shown for the buyer (`author_name`).
    public var authorName: String
    /// Microseconds since the Unix epoch.
    public var publishedAt: Int64
    /// Ozon's processing state; an answer marks the question `PROCESSED`.
    public var status: OzonQuestionStatus
    /// The seller's answers, oldest first.
    public var answers: [OzonQuestionAnswer]

    /// A new question unless told otherwise; `publishedAt` in microseconds.
    public init(id: String, sku: Int64, text: String, authorName: String, publishedAt: Int64,
                status: OzonQuestionStatus = .new, answers: [OzonQuestionAnswer] = []) {
        self.id = id
        self.sku = sku
        self.text = text
        self.authorName = authorName
        self.publishedAt = publishedAt
        self.status = status
        self.answers = answers
    }
}

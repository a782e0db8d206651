/// A buyer's question about a product, with the seller's answers.
public struct OzonQuestion: Sendable, Equatable {
    public var id: String
    public var sku: Int64
    public var text: String
    public var authorName: String
    /// Microseconds since the Unix epoch.
    public var publishedAt: Int64
    public var status: OzonQuestionStatus
    public var answers: [OzonQuestionAnswer]

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

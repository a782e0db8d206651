/// The seller's answer to a question.
public struct OzonQuestionAnswer: Sendable, Equatable {
    public var id: String
    public var text: String
    public var authorName: String
    public var publishedAt: Int64
    /// `PUBLISHED`, `AWAITING_MODERATION`, `MODERATION_FAILED` or `DUPLICATE`.
    public var statusPublication: String

    public init(id: String, text: String, authorName: String, publishedAt: Int64, statusPublication: String = "PUBLISHED") {
        self.id = id
        self.text = text
        self.authorName = authorName
        self.publishedAt = publishedAt
        self.statusPublication = statusPublication
    }
}

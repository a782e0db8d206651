/// The seller's answer to a question.
public struct OzonQuestionAnswer: Sendable, Equatable {
    /// The answer id.
    public var id: String
    /// The answer text.
    public var text: String
    /// The name shown for the seller (`author_name`).
    public var authorName: String
    /// Microseconds since the Unix epoch.
    public var publishedAt: Int64
    /// `PUBLISHED`, `AWAITING_MODERATION`, `MODERATION_FAILED` or `DUPLICATE`.
    public var statusPublication: String

    /// A published answer unless told otherwise; `publishedAt` in microseconds.
    public init(id: String, text: String, authorName: String, publishedAt: Int64, statusPublication: String = "PUBLISHED") {
        self.id = id
        self.text = text
        self.authorName = authorName
        self.publishedAt = publishedAt
        self.statusPublication = statusPublication
    }
}

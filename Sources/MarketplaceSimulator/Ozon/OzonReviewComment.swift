/// A comment under a review: the seller's official answer, or a reply in its thread.
public struct OzonReviewComment: Sendable, Equatable {
    public var id: String
    public var text: String
    public var publishedAt: Int64
    /// Written by the seller (the account calling the API).
    public var isOwner: Bool
    /// Shown as the seller's official answer.
    public var isOfficial: Bool
    public var parentCommentID: String?

    public init(id: String, text: String, publishedAt: Int64, isOwner: Bool, isOfficial: Bool, parentCommentID: String? = nil) {
        self.id = id
        self.text = text
        self.publishedAt = publishedAt
        self.isOwner = isOwner
        self.isOfficial = isOfficial
        self.parentCommentID = parentCommentID
    }
}

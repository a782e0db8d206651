/// A comment under a review: the seller's official answer, or a reply in its thread.
public struct OzonReviewComment: Sendable, Equatable {
    /// The comment id.
    public var id: String
    /// The comment text.
    public var text: String
    /// Microseconds since the Unix epoch.
    public var publishedAt: Int64
    /// Written by the seller (the account calling the API).
    public var isOwner: Bool
    /// Shown as the seller's official answer.
    public var isOfficial: Bool
    /// The comment this one answers, nil for a top-level comment.
    public var parentCommentID: String?

    /// A comment as given; `publishedAt` in microseconds.
    public init(id: String, text: String, publishedAt: Int64, isOwner: Bool, isOfficial: Bool, parentCommentID: String? = nil) {
        self.id = id
        self.text = text
        self.publishedAt = publishedAt
        self.isOwner = isOwner
        self.isOfficial = isOfficial
        self.parentCommentID = parentCommentID
    }
}

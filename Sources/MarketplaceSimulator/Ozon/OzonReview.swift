/// A buyer's review of a product, as the simulated host stores it.
public struct OzonReview: Sendable, Equatable {
    /// The review id, a time-ordered UUID (version 7) as Ozon's are.
    public var id: String
    /// The product reviewed.
    public var sku: Int64
    /// The buyer's text; may be empty (a rating alone).
    public var text: String
    /// Microseconds since the Unix epoch.
    public var publishedAt: Int64
    /// Stars, 1…5.
    public var rating: Int
    /// `NEW`, `VIEWED` or `PROCESSED`: what the seller has done with it.
    public var status: OzonReviewStatus
    /// `DELIVERED` or `CANCELLED`.
    public var orderStatus: String
    /// Whether the review counts toward the product's rating (`is_rating_participant`).
    public var isRatingParticipant: Bool
    /// Photos attached (`photos_amount`).
    public var photosAmount: Int
    /// Videos attached (`videos_amount`).
    public var videosAmount: Int
    /// Other buyers' likes (`likes_amount`).
    public var likes: Int
    /// Other buyers' dislikes (`dislikes_amount`).
    public var dislikes: Int
    /// Comments under the review, the seller's included, oldest first.
    public var comments: [OzonReviewComment]

    /// A new, delivered-order review without comments unless told otherwise; `publishedAt` in microseconds.
    public init(id: String, sku: Int64, text: String, publishedAt: Int64, rating: Int, status: OzonReviewStatus = .new,
                orderStatus: String = "DELIVERED", isRatingParticipant: Bool = true, photosAmount: Int = 0,
                videosAmount: Int = 0, likes: Int = 0, dislikes: Int = 0, comments: [OzonReviewComment] = []) {
        self.id = id
        self.sku = sku
        self.text = text
        self.publishedAt = publishedAt
        self.rating = rating
        self.status = status
        self.orderStatus = orderStatus
        self.isRatingParticipant = isRatingParticipant
        self.photosAmount = photosAmount
        self.videosAmount = videosAmount
        self.likes = likes
        self.dislikes = dislikes
        self.comments = comments
    }
}

/// A buyer's review of a product, as the simulated host stores it.
public struct OzonReview: Sendable, Equatable {
    public var id: String
    public var sku: Int64
    public var text: String
    /// Microseconds since the Unix epoch.
    public var publishedAt: Int64
    public var rating: Int
    public var status: OzonReviewStatus
    /// `DELIVERED` or `CANCELLED`.
    public var orderStatus: String
    public var isRatingParticipant: Bool
    public var photosAmount: Int
    public var videosAmount: Int
    public var likes: Int
    public var dislikes: Int
    public var comments: [OzonReviewComment]

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

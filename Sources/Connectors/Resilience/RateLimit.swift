/// A published upstream limit as a token bucket: `burst` requests at once, refilled at one
/// request per `interval`.
public struct RateLimit: Sendable, Equatable {
    public var burst: Int
    public var interval: Duration

    public init(burst: Int, interval: Duration) {
        precondition(burst >= 1 && interval > .zero, "a rate limit needs a burst ≥ 1 and a positive interval")
        self.burst = burst
        self.interval = interval
    }

    /// Wildberries feedbacks and questions (one bucket for both): 3 req/s, burst 6.
    public static let wildberriesFeedbacks = RateLimit(burst: 6, interval: .milliseconds(333))
    /// Wildberries buyer chat: 10 requests per 10 s, burst 10.
    public static let wildberriesChat = RateLimit(burst: 10, interval: .seconds(1))
    /// Ozon Seller API: 50 requests per second per Client-Id across all methods.
    public static let ozon = RateLimit(burst: 50, interval: .milliseconds(20))
}

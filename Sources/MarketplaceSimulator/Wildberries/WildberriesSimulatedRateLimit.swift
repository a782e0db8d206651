/// One of Wildberries' published limits as its token bucket: `burst` requests at once, one more
/// allowed every `interval` (feedbacks and questions: 6 and 333 ms; buyer chat: 10 and 1 s).
public struct WildberriesSimulatedRateLimit: Sendable, Equatable {
    /// Requests a full bucket lets through at once (at least 1).
    public var burst: Int
    /// Time to refill one request (positive).
    public var interval: Duration

    /// Traps unless `burst` ≥ 1 and `interval` > 0.
    public init(burst: Int, interval: Duration) {
        precondition(burst >= 1 && interval > .zero, "a rate limit needs a burst ≥ 1 and a positive interval")
        self.burst = burst
        self.interval = interval
    }

    /// "Вопросы и отзывы": 3 requests per second, interval 333 ms, burst 6.
    public static let feedbacks = WildberriesSimulatedRateLimit(burst: 6, interval: .milliseconds(333))
    /// "Чат с покупателями": 10 requests per 10 seconds, interval 1 s, burst 10.
    public static let chat = WildberriesSimulatedRateLimit(burst: 10, interval: .seconds(1))
    /// "Вопросы и отзывы" for a base token: 5 requests an hour, interval 12 min, burst 1.
    public static let feedbacksBaseToken = WildberriesSimulatedRateLimit(burst: 1, interval: .seconds(720))
    /// "Чат с покупателями" for a base token: 1 request an hour.
    public static let chatBaseToken = WildberriesSimulatedRateLimit(burst: 1, interval: .seconds(3600))
    /// Effectively no limit, for tests that are about something else.
    public static let unlimited = WildberriesSimulatedRateLimit(burst: 1_000_000, interval: .nanoseconds(1))
}

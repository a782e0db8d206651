/// A published upstream limit as a token bucket: `burst` requests at once, refilled at one
/// request per `interval`. In any window of length `w` a budget built on it lets through at most
/// `burst + ⌈w / interval⌉ − 1` requests.
public struct RateLimit: Sendable, Equatable {
    /// Requests that may start at once from a full bucket (at least 1).
    public var burst: Int
    /// Time to refill one request (positive).
    public var interval: Duration

    /// Traps unless `burst` ≥ 1 and `interval` > 0: a limit is a constant of the code or the
    /// configuration, checked where it is made.
    public init(burst: Int, interval: Duration) {
        precondition(burst >= 1 && interval > .zero, "a rate limit needs a burst ≥ 1 and a positive interval")
        self.burst = burst
        self.interval = interval
    }

    /// Wildberries feedbacks and questions (one bucket for both channels): 3 req/s, burst 6, as
    /// Wildberries publishes it for its own token bucket. The interval is a third of a second
    /// rounded up, so that a saturated budget never runs ahead of the upstream's refill.
    public static let wildberriesFeedbacks = RateLimit(burst: 6, interval: .nanoseconds(333_333_334))
    /// Wildberries buyer chat: 10 requests per 10 s, i.e. Wildberries' bucket of burst 10
    /// refilled one request per second.
    public static let wildberriesChat = RateLimit(burst: 10, interval: .seconds(1))
    /// Wildberries feedbacks and questions for a base token (`acc` 1): 5 requests an hour, one
    /// every 12 minutes, no burst.
    public static let wildberriesFeedbacksBaseToken = RateLimit(burst: 1, interval: .seconds(720))
    /// Wildberries buyer chat for a base token: 1 request an hour.
    public static let wildberriesChatBaseToken = RateLimit(burst: 1, interval: .seconds(3600))
    /// Ozon Seller API: 50 requests per second per Client-Id across all methods. Ozon publishes
    /// no burst and answers "rate limit per second", so the bucket is shaped to keep every
    /// one-second window at 50 requests or fewer whatever Ozon counts with (fixed or sliding
    /// window, or a bucket): one request every 20 ms, no burst on top. Its
    /// `ratelimit-remaining` is taken as a bucket's count: were it a window's, this pace alone
    /// would bring it to 0 each second, and a second's pause then would halve the throughput.
    public static let ozon = RateLimit(burst: 1, interval: .milliseconds(20))
}

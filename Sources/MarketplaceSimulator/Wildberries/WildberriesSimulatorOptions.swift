import Foundation

/// How a `WildberriesSimulator` behaves: its seeded data, the tokens it accepts, its caps and
/// rate limits. The defaults are those of production, so demo mode looks and feels like the real
/// hosts; tests shrink caps and limits so that walking past them takes milliseconds.
public struct WildberriesSimulatorOptions: Sendable {
    /// Seed of every generated id, text and date: the same seed gives the same data.
    public var seed: UInt64
    /// How many records of each kind are seeded.
    public var feedbackCount: Int
    /// Questions seeded.
    public var questionCount: Int
    /// Chats seeded, each with a few events.
    public var chatCount: Int
    /// The instant seeded data is dated back from; nil means the moment the simulator is built.
    public var referenceDate: Date?
    /// Tokens the hosts accept (JWTs; see `WildberriesToken`). Each must carry the category bit of
    /// the host it is sent to.
    public var tokens: [String]
    /// Per-seller token buckets of the two hosts (3/s burst 6; 10 per 10 s).
    public var feedbacksRateLimit: WildberriesSimulatedRateLimit
    /// The chat host's bucket per seller.
    public var chatRateLimit: WildberriesSimulatedRateLimit
    /// The same for base tokens, counted apart (5 an hour; 1 an hour).
    public var feedbacksBaseTokenRateLimit: WildberriesSimulatedRateLimit
    /// The chat host's bucket for a seller's base tokens.
    public var chatBaseTokenRateLimit: WildberriesSimulatedRateLimit
    /// `GET /api/v1/feedbacks`: the largest `take` (5000) and `skip` (199990) accepted.
    public var feedbacksMaxTake: Int
    /// The largest `skip` `GET /api/v1/feedbacks` accepts; more is a 400.
    public var feedbacksMaxSkip: Int
    /// `GET /api/v1/questions`: `take`, `skip` and `take + skip` are each at most this (10000).
    public var questionsMaxTotal: Int
    /// How many chat events one `/api/v1/seller/events` page carries at most (a page may end
    /// inside a second).
    public var eventsPageSize: Int

    /// Production caps and limits, the demo token, and seeded data dated back from now, unless told
    /// otherwise. Only `eventsPageSize` is clamped (to at least 1).
    public init(seed: UInt64 = 20_260_514, feedbackCount: Int = 120, questionCount: Int = 60, chatCount: Int = 16,
                referenceDate: Date? = nil, tokens: [String] = [WildberriesToken.demo],
                feedbacksRateLimit: WildberriesSimulatedRateLimit = .feedbacks,
                chatRateLimit: WildberriesSimulatedRateLimit = .chat,
                feedbacksBaseTokenRateLimit: WildberriesSimulatedRateLimit = .feedbacksBaseToken,
                chatBaseTokenRateLimit: WildberriesSimulatedRateLimit = .chatBaseToken,
                feedbacksMaxTake: Int = 5000, feedbacksMaxSkip: Int = 199_990, questionsMaxTotal: Int = 10_000,
                eventsPageSize: Int = 100) {
        self.seed = seed
        self.feedbackCount = feedbackCount
        self.questionCount = questionCount
        self.chatCount = chatCount
        self.referenceDate = referenceDate
        self.tokens = tokens
        self.feedbacksRateLimit = feedbacksRateLimit
        self.chatRateLimit = chatRateLimit
        self.feedbacksBaseTokenRateLimit = feedbacksBaseTokenRateLimit
        self.chatBaseTokenRateLimit = chatBaseTokenRateLimit
        self.feedbacksMaxTake = feedbacksMaxTake
        self.feedbacksMaxSkip = feedbacksMaxSkip
        self.questionsMaxTotal = questionsMaxTotal
        self.eventsPageSize = max(1, eventsPageSize)
    }
}

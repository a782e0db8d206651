import Connectors
import Foundation

/// How the Wildberries connectors behave toward the upstream. Defaults are the published
/// limits and caps (reference §1.2, §1.3, §3.4); tests shrink them so that walking past the caps
/// or through a rate limit takes milliseconds.
public struct WildberriesOptions: Sendable {
    /// The one budget shared by the feedbacks and questions connectors of a tenant.
    public var feedbacksRateLimit: RateLimit
    /// The chat host's budget (10 per 10 s).
    public var chatRateLimit: RateLimit
    /// The same two for a base token, which Wildberries allows far less (5 an hour, 1 an hour).
    public var feedbacksBaseTokenRateLimit: RateLimit
    /// The chat host's budget for a base token (1 an hour).
    public var chatBaseTokenRateLimit: RateLimit
    /// Retries of transient failures (reads always; writes only where nothing can have been applied).
    public var retry: RetryPolicy
    /// The longest one upstream attempt may take, whatever the deadline leaves.
    public var attemptTimeout: Duration
    /// Consecutive failures of a host that open its circuit, and how long it stays open.
    public var breakerFailureThreshold: Int
    /// How long an open circuit refuses calls before a probe is let through.
    public var breakerCoolDown: Duration
    /// Time for budgets, breakers and waits; tests inject one they can move.
    public var clock: any ResilienceClock
    /// `GET /api/v1/feedbacks`: largest `take` (5000) and `skip` (199990).
    public var feedbacksMaxTake: Int
    /// The largest `skip` of `GET /api/v1/feedbacks`; past it lists go on through date windows.
    public var feedbacksMaxSkip: Int
    /// `GET /api/v1/questions`: `take + skip` at most this (10000).
    public var questionsMaxTotal: Int
    /// How many event pages a chat list may read to learn who wrote each chat's last message.
    public var chatCatchUpPages: Int
    /// Connections kept per host.
    public var maxConnections: Int
    /// How the upstream clients are made: URLSession unless the gateway passes its own.
    public var clients: UpstreamClientFactory
    /// The time of day in unix milliseconds, to tell a second of the chat event stream that may
    /// still be written into from one that is over; tests set it beside the simulator's times.
    public var unixMilliseconds: @Sendable () -> Int64
    /// Whether the chat stream's seconds are judged over by Wildberries' clock as its answers'
    /// `Date` shows it (true), which holds whichever way the clocks disagree; or, as without a
    /// `Date`, by this machine's clock plus the most the stream's times have been seen ahead of
    /// it, which cannot tell a Wildberries clock behind this one. Tests whose clock is not the
    /// simulator's (which writes `Date` by the real time) set false.
    public var chatClockFromDate = true
    /// How long an answer of the chat event stream is given again to the tenant's callers that
    /// ask the same place (`WildberriesEventReads`): caught-up clients polling for updates ask
    /// alike, and Wildberries allows the chat host 10 requests in 10 s for all of them. News
    /// comes up to this much later. Zero asks Wildberries for every page.
    public var chatEventsShareWindow: Duration = .seconds(1)

    /// Production defaults. Counts are clamped: at least 1 (a skip cap at least 0).
    public init(feedbacksRateLimit: RateLimit = .wildberriesFeedbacks, chatRateLimit: RateLimit = .wildberriesChat,
                feedbacksBaseTokenRateLimit: RateLimit = .wildberriesFeedbacksBaseToken,
                chatBaseTokenRateLimit: RateLimit = .wildberriesChatBaseToken,
                retry: RetryPolicy = .default, attemptTimeout: Duration = .seconds(10),
                breakerFailureThreshold: Int = 5, breakerCoolDown: Duration = .seconds(30),
                clock: any ResilienceClock = SystemResilienceClock(),
                feedbacksMaxTake: Int = 5000, feedbacksMaxSkip: Int = 199_990, questionsMaxTotal: Int = 10_000,
                chatCatchUpPages: Int = 20, maxConnections: Int = 8, clients: UpstreamClientFactory = .urlSession,
                unixMilliseconds: @escaping @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }) {
        self.feedbacksRateLimit = feedbacksRateLimit
        self.chatRateLimit = chatRateLimit
        self.feedbacksBaseTokenRateLimit = feedbacksBaseTokenRateLimit
        self.chatBaseTokenRateLimit = chatBaseTokenRateLimit
        self.retry = retry
        self.attemptTimeout = attemptTimeout
        self.breakerFailureThreshold = max(1, breakerFailureThreshold)
        self.breakerCoolDown = breakerCoolDown
        self.clock = clock
        self.feedbacksMaxTake = max(1, feedbacksMaxTake)
        self.feedbacksMaxSkip = max(0, feedbacksMaxSkip)
        self.questionsMaxTotal = max(1, questionsMaxTotal)
        self.chatCatchUpPages = max(1, chatCatchUpPages)
        self.maxConnections = max(1, maxConnections)
        self.clients = clients
        self.unixMilliseconds = unixMilliseconds
    }
}

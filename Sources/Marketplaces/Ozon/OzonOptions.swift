import Connectors

/// How the Ozon connectors treat the upstream. Production defaults are Ozon's published limit
/// (50 requests per second per Client-Id) and the gateway's resilience defaults; tests shrink
/// the numbers and inject a clock so waits are asserted rather than slept.
public struct OzonOptions: Sendable {
    /// The budget each Client-Id gets, shared by its review, question and chat connectors.
    public var rateLimit: RateLimit
    /// Retries of failed calls (reads after any transient failure, writes only when Ozon cannot have applied them).
    public var retry: RetryPolicy
    /// The longest a single upstream attempt may take.
    public var attemptTimeout: Duration
    /// Consecutive host failures (5xx, timeouts, lost connections) that open the circuit.
    public var breakerThreshold: Int
    /// How long an open circuit refuses calls before letting a probe through.
    public var breakerCoolDown: Duration
    /// The time source of budgets, breaker and retry waits.
    public var clock: any ResilienceClock
    /// Keep-alive connections to the host.
    public var maxConnections: Int
    /// How the upstream clients are made: URLSession unless the gateway passes its own.
    public var clients: UpstreamClientFactory
    /// Chat list pages (100 chats each) one `ozon/chat` updates call reads at most; a bigger
    /// account's list is read over several calls (`has_more`), each within its own deadline.
    public var chatSweepPages: Int

    /// Production defaults. Counts below 1 (breaker threshold, connections, sweep pages) become 1.
    public init(rateLimit: RateLimit = .ozon, retry: RetryPolicy = .default, attemptTimeout: Duration = .seconds(10),
                breakerThreshold: Int = 5, breakerCoolDown: Duration = .seconds(30),
                clock: any ResilienceClock = SystemResilienceClock(), maxConnections: Int = 8, clients: UpstreamClientFactory = .urlSession,
                chatSweepPages: Int = 10) {
        self.rateLimit = rateLimit
        self.retry = retry
        self.attemptTimeout = attemptTimeout
        self.breakerThreshold = max(1, breakerThreshold)
        self.breakerCoolDown = breakerCoolDown
        self.clock = clock
        self.maxConnections = max(1, maxConnections)
        self.clients = clients
        self.chatSweepPages = max(1, chatSweepPages)
    }
}

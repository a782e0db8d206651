import Synchronization

/// One upstream attempt, as it ended.
public struct UpstreamCallReport: Sendable, Equatable {
    public enum Outcome: String, Sendable {
        case success
        case clientError = "client_error"
        case rateLimited = "rate_limited"
        case serverError = "server_error"
        case timeout
        case transportError = "transport_error"
        case cancelled
    }

    public var marketplace: Marketplace
    public var host: String
    /// The connector's label of the call, e.g. `feedbacks.list`.
    public var operation: String
    /// 1 for the first attempt; higher ones are retries.
    public var attempt: Int
    public var outcome: Outcome
    public var duration: Duration
    /// A write (not idempotent) that ended in a way that may have applied it: sent, and not
    /// refused by the marketplace (429, another 4xx) or before reaching it (no connection).
    public var mayHaveChanged: Bool

    public init(marketplace: Marketplace, host: String, operation: String, attempt: Int, outcome: Outcome, duration: Duration,
                mayHaveChanged: Bool = false) {
        self.marketplace = marketplace
        self.host = host
        self.operation = operation
        self.attempt = attempt
        self.outcome = outcome
        self.duration = duration
        self.mayHaveChanged = mayHaveChanged
    }
}

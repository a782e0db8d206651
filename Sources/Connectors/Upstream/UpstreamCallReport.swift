import Synchronization

/// One upstream attempt, as it ended.
public struct UpstreamCallReport: Sendable, Equatable {
    /// How an attempt ended, as the `outcome` label of upstream metrics: by status class for an
    /// answer, by transport failure otherwise.
    public enum Outcome: String, Sendable {
        /// A 2xx answer.
        case success
        /// Any other answer below 500 but 429: usually the upstream refusing the request itself.
        case clientError = "client_error"
        /// A 429.
        case rateLimited = "rate_limited"
        /// A 5xx.
        case serverError = "server_error"
        /// No answer in time, or not sent in time (the client's connections were busy).
        case timeout
        /// No answer: the connection was refused or lost, the request could not be written, or the
        /// answer was too large to take in.
        case transportError = "transport_error"
        /// The calling task was cancelled, abandoning the request.
        case cancelled
    }

    /// The marketplace called.
    public var marketplace: Marketplace
    /// The host called, as `UpstreamClient.host` names it.
    public var host: String
    /// The connector's label of the call, e.g. `feedbacks.list`.
    public var operation: String
    /// 1 for the first attempt; higher ones are retries.
    public var attempt: Int
    /// How the attempt ended.
    public var outcome: Outcome
    /// From sending to the end of the attempt, by the real clock (rate-budget waits excluded).
    public var duration: Duration
    /// A write (not idempotent) that ended in a way that may have applied it: sent, and not
    /// refused by the marketplace (429, another 4xx) or before reaching it (no connection).
    public var mayHaveChanged: Bool

    /// A report as `UpstreamCaller` makes one after each attempt; `mayHaveChanged` stays false for reads.
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

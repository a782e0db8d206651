import Synchronization

/// Watches the upstream requests made on behalf of one gateway request (retries included), for
/// its access-log line and metrics. Bound as a task-local around the request's handling;
/// `UpstreamCaller` reports every attempt it sends.
public final class UpstreamCallCounter: Sendable {
    @TaskLocal public static var current: UpstreamCallCounter?

    private let recorded = Mutex<[UpstreamCallReport]>([])

    public init() {}

    /// Attempts so far.
    public var count: Int { recorded.withLock { $0.count } }

    /// Every attempt so far, in the order they ended.
    public var reports: [UpstreamCallReport] { recorded.withLock { $0 } }

    /// Whether some attempt was a write the marketplace may have applied: after that, a failure
    /// of the request cannot be taken as "nothing happened".
    public var mayHaveChangedUpstream: Bool { recorded.withLock { $0.contains { $0.mayHaveChanged } } }

    /// The marketplace's answer to `operation` said it did nothing (a 2xx whose body refuses):
    /// its attempts no longer count as writes that may have changed the marketplace.
    public func notApplied(operation: String) {
        recorded.withLock { reports in
            for index in reports.indices where reports[index].operation == operation { reports[index].mayHaveChanged = false }
        }
    }

    /// Adds an attempt; `UpstreamCaller` reports each it sends, and so must any other way of
    /// calling a marketplace.
    public func record(_ report: UpstreamCallReport) {
        recorded.withLock { $0.append(report) }
    }
}

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

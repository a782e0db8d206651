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

    func record(_ report: UpstreamCallReport) {
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
}

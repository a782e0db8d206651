import Synchronization

/// Watches the upstream requests made on behalf of one gateway request (retries included), for
/// its access-log line and metrics. Bound as a task-local around the request's handling;
/// `UpstreamCaller` reports every attempt it sends.
public final class UpstreamCallCounter: Sendable {
    /// The counter of the gateway request being handled; nil outside one (tests, start-up). The
    /// gateway binds it around each request; connectors only read it.
    @TaskLocal public static var current: UpstreamCallCounter?

    private let recorded = Mutex<[UpstreamCallReport]>([])
    private let firstCall = Mutex<ContinuousClock.Instant?>(nil)

    /// A counter with no attempts; the gateway makes one per request (`GatewayContext.upstreamCounter`).
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

    /// When the request's first upstream call began: the first `now` noted. `UpstreamCaller`
    /// judges by it how much of the request's time earlier calls have used.
    public func began(noting now: ContinuousClock.Instant) -> ContinuousClock.Instant {
        firstCall.withLock { first in
            if let first { return first }
            first = now
            return now
        }
    }

    /// Adds an attempt; `UpstreamCaller` reports each it sends, and so must any other way of
    /// calling a marketplace.
    public func record(_ report: UpstreamCallReport) {
        recorded.withLock { $0.append(report) }
    }
}

import Synchronization

/// Counts the upstream requests made on behalf of one gateway request (retries included), for
/// its access-log line and metrics. Bound as a task-local around the request's handling;
/// `UpstreamCaller` adds one for every attempt it sends.
public final class UpstreamCallCounter: Sendable {
    @TaskLocal public static var current: UpstreamCallCounter?

    private let value = Atomic<Int>(0)

    public init() {}

    public var count: Int { value.load(ordering: .relaxed) }

    func increment() {
        value.wrappingAdd(1, ordering: .relaxed)
    }
}

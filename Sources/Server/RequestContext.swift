/// Facts about where a request came from, for logging, rate limiting and tracing.
public struct RequestContext: Sendable {
    /// The peer as the socket sees it (a reverse proxy's address when there is one).
    public var remoteAddress: SocketAddress?
    /// Which event loop serves the connection.
    public var loopIndex: Int
    /// Unique per server run, shared by every request on one connection.
    public var connectionID: UInt64
    /// 1 for the first request on the connection, then 2, 3…
    public var requestNumber: Int
    /// When the request began to arrive, in nanoseconds of `CLOCK_MONOTONIC` as the loop read it
    /// on the wake-up that brought its first byte (a pipelined request's, once the response
    /// before it was out); 0 when unknown. Requests are timed from here (`elapsed`).
    public var startedAt: UInt64

    /// The server makes one per request; tests and in-process callers may leave out what they
    /// do not know (no address, loop 0, connection 0, the first request, start unknown).
    public init(remoteAddress: SocketAddress? = nil, loopIndex: Int = 0, connectionID: UInt64 = 0, requestNumber: Int = 1,
                startedAt: UInt64 = 0) {
        self.remoteAddress = remoteAddress
        self.loopIndex = loopIndex
        self.connectionID = connectionID
        self.requestNumber = requestNumber
        self.startedAt = startedAt
    }

    /// How long ago the request began to arrive (`startedAt`), or nil when that is unknown.
    public var elapsed: Duration? {
        guard startedAt != 0 else { return nil }
        let now = MonotonicClock.now()
        return .nanoseconds(Int64(now > startedAt ? now - startedAt : 0))
    }
}

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

    public init(remoteAddress: SocketAddress? = nil, loopIndex: Int = 0, connectionID: UInt64 = 0, requestNumber: Int = 1) {
        self.remoteAddress = remoteAddress
        self.loopIndex = loopIndex
        self.connectionID = connectionID
        self.requestNumber = requestNumber
    }
}

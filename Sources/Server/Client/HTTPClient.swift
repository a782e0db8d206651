import HTTP
import Synchronization

/// An HTTP/1.1 client for one plain-`http` origin, built on the server's own event loops.
///
/// A call made on an event loop's thread (a request handler, which runs there) is served by
/// that same loop: the request is written, and the response read and parsed, between two
/// `epoll_wait` calls of the loop, with no thread hop and no other thread woken. Each loop keeps
/// its own pool of keep-alive connections to the origin, up to `maxConnections`; calls beyond
/// that wait, first come first served. A write (a request that is not idempotent) always goes on
/// a new connection, never a kept-alive one. A call made anywhere else is served by one shared
/// loop thread (`http-client`) started on first use. A name is resolved off the loop and its
/// address kept 30 s, and served past that while the name is asked again, or for a day when
/// that fails.
///
/// ```swift
/// let client = HTTPClient(host: "127.0.0.1", port: 8081)
/// let response = try await client.execute(HTTPClientRequest(method: "GET", target: Array("/ping".utf8),
///                                                            isIdempotent: true), timeout: .seconds(5))
/// ```
///
/// TLS is not spoken here: `https` origins go through URLSession.
public final class HTTPClient: Sendable {
    /// Limits and timeouts of one client, the same on every loop.
    public struct Configuration: Sendable {
        /// Connections to the origin per event loop, busy and idle together.
        public var maxConnections: Int
        /// How long an idle kept-alive connection is kept before the client closes it. Shorter
        /// than common servers' keep-alive (nginx 75 s, Node 5 s is the exception), so the client
        /// seldom picks a connection the server is closing at that moment.
        public var idleTimeout: Duration
        /// Status line and fields together.
        public var maxHeadLength: Int
        /// The body after its transfer coding is removed.
        public var maxBodyLength: Int
        /// The least time a write (a request that is not idempotent) is sent with after waiting
        /// in line for a connection: one sent with less would likely time out after the server
        /// acted on it, leaving its outcome unknown. It fails as never sent instead.
        public var minimumWriteTime: Duration
        /// Shared with other clients (and other readers of answers): the bytes of answers that may
        /// be held at once, from their first byte until the response's lease goes; none, no
        /// ceiling but each answer's own.
        public var answerBudget: BodyBudget?

        /// The defaults suit an API origin; `maxConnections` below 1 becomes 1.
        public init(maxConnections: Int = 8, idleTimeout: Duration = .seconds(4), maxHeadLength: Int = 64 * 1024,
                    maxBodyLength: Int = 64 * 1024 * 1024, minimumWriteTime: Duration = .seconds(1), answerBudget: BodyBudget? = nil) {
            self.answerBudget = answerBudget
            self.maxConnections = max(1, maxConnections)
            self.idleTimeout = idleTimeout
            self.maxHeadLength = maxHeadLength
            self.maxBodyLength = maxBodyLength
            self.minimumWriteTime = minimumWriteTime
        }
    }

    /// The host as given: a name, or an IPv4 or IPv6 literal (without brackets).
    public let host: String
    /// The origin's TCP port.
    public let port: Int
    /// The limits every call of this client runs under.
    public let configuration: Configuration
    /// The `Host` field: the host, bracketed if IPv6, with the port unless it is 80.
    let hostField: String
    /// Which pool of a loop is this client's; never reused, unlike an object's address.
    let id: UInt64
    /// The address of a numeric host; names are resolved when a connection is needed.
    let literalAddress: SocketAddress?
    /// The last resolution of a name, shared by all loops, and until when it may be used.
    let resolved = Mutex<(address: SocketAddress, expires: UInt64, servedUntil: UInt64)?>(nil)

    private static let nextID = Atomic<UInt64>(1)

    /// A client for `host:port`. Nothing connects until the first call; a name is resolved then,
    /// and again when its resolution expires.
    public init(host: String, port: Int = 80, configuration: Configuration = Configuration()) {
        self.host = host
        self.port = port
        self.configuration = configuration
        let bracketed = host.contains(":") ? "[\(host)]" : host
        hostField = port == 80 ? bracketed : "\(bracketed):\(port)"
        id = Self.nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        literalAddress = try? SocketAddress(host: host, port: port)
    }

    /// Sends `request` and returns the whole response, whatever its status. Throws when no
    /// complete response came within `timeout`, when the call's task is cancelled, or when the
    /// connection failed; see `HTTPClientError` for which of those may have reached the server.
    public func execute(_ request: HTTPClientRequest, timeout: Duration) async throws(HTTPClientError) -> HTTPClientResponse {
        if Task.isCancelled { throw .cancelledUnsent }
        guard timeout > .zero else { throw .timedOut }
        let loop: LoopBound<EventLoop>
        if let current = EventLoop.current {
            loop = current
        } else {
            switch ClientLoop.shared {
            case .success(let shared): loop = shared
            case .failure(let error): throw .localFailure("cannot start the client loop: \(error)")
            }
        }
        // Encoded here, so a request that cannot be written fails before any connection is made.
        var encoded: [UInt8] = []
        encoded.reserveCapacity(256 + request.target.count + request.body.count)
        try request.encode(hostField: hostField, into: &encoded)
        let call = LoopBound(ClientCall(request: request, encoded: encoded, client: self, timeout: timeout.nanoseconds),
                             executor: loop.executor)
        let result = await withTaskCancellationHandler {
            await withUnsafeContinuation { continuation in
                loop.withValue { loop in loop.startClientCall(call.loopValue, continuation: continuation) }
            }
        } onCancel: {
            call.withValue { call in call.cancel() }
        }
        return try result.get()
    }
}

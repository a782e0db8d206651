import CSystem
import HTTP

/// Everything about how the server listens, what it accepts, and how long it waits.
public struct ServerConfiguration: Sendable {
    /// Numeric address to listen on (`127.0.0.1`, `0.0.0.0`, `::`), or `localhost`.
    public var host: String = "127.0.0.1"
    /// 0 picks a free port; read it back from `HTTPServer.port`.
    public var port: Int = 8080
    /// Event loops, one thread and one SO_REUSEPORT listener each. Defaults to the CPUs this
    /// process may use, so a server pinned with `taskset` runs one loop per pinned core.
    public var loopCount: Int = Self.availableCPUs

    /// The CPUs this process may run on (its affinity mask, as `taskset` or a container's cpuset
    /// leave it), or fewer when its cgroup's CPU quota allows less time (`CPUQuota`, rounded up):
    /// the default number of loops, and the most that add throughput.
    public static var availableCPUs: Int { availableCPUs(affinity: Int(cs_available_cpus()), quota: CPUQuota.current) }

    /// `availableCPUs` from the affinity mask's count and the quota's CPUs (nil: no quota).
    public static func availableCPUs(affinity: Int, quota: Int?) -> Int { max(1, min(affinity, quota ?? .max)) }
    /// The `listen(2)` backlog of each loop's listener: connections the kernel holds before accept.
    public var backlog: Int32 = 4096
    /// Connections open at once across all loops; above it new ones wait in the kernel backlog.
    /// Fewer when the descriptor limit leaves too little room (`HTTPServer.maxConnections`).
    public var maxConnections: Int = 10_000
    /// Request size limits, enforced while bytes arrive.
    public var limits = ParserLimits()
    /// From the first byte of a request (or from accept) to the end of its head. Fixed: a client
    /// that drips bytes does not extend it.
    public var headerReadTimeout: Duration = .seconds(10)
    /// From the end of the head to the end of the body; a body that waited for room
    /// (`maxLoopBodyBytes`) has it again from when it is taken.
    public var bodyReadTimeout: Duration = .seconds(30)
    /// A keep-alive connection with no request in progress is closed silently after this.
    public var idleTimeout: Duration = .seconds(60)
    /// A connection whose pending output makes no progress for this long is reset: the kernel
    /// took none of it, and the peer acknowledged less than 16 KiB of what it holds (a reader too
    /// slow to free a whole send buffer in this time is still reading; a trickle is not).
    public var writeTimeout: Duration = .seconds(30)
    /// After an error response, how long unread input is drained so the client sees the response.
    public var lingerTimeout: Duration = .seconds(2)
    /// Above this many unsent bytes a connection is not read and its next request waits.
    public var maxPendingOutput: Int = 1024 * 1024
    /// Above this many unsent bytes across one loop's connections, no connection with unsent
    /// output of its own is read: what clients that do not read make the server hold is bounded
    /// by this, not by `maxPendingOutput` times the connections.
    public var maxLoopPendingOutput: Int = 64 * 1024 * 1024
    /// Request bodies one loop receives at once, counted as they are announced (Content-Length;
    /// a chunked body counts as `limits.maxBodyLength` once past its first 64 KiB). A body that would go past it waits,
    /// unread, until others have arrived, so clients that send bodies slowly cannot together
    /// make the server hold more than this per loop, besides up to 64 KiB a connection (the
    /// room every body gets up front, and what a waiting one read with its head); one body is
    /// always taken, however large, and so is any body of 64 KiB or less (it would hold as much
    /// waiting). A client that gives up while its body waits is noticed when the body is taken
    /// or at its body timeout (408), since a waiting connection is not read.
    /// A body still waiting when its body timeout ends gets the timeout's 408.
    public var maxLoopBodyBytes: Int = 64 * 1024 * 1024
    /// Bytes read per `read` call, into a buffer each loop shares among its connections.
    public var readBufferSize: Int = 64 * 1024
    /// How long a connection that has sent nothing is left alone before it can be closed for a
    /// newcomer when the server is full: its first request may be on its way. Internal to this
    /// module, not a setting; tests lengthen it so that only what they do can free a place.
    var freshConnectionGrace: Duration = .seconds(1)
    /// A FIN from a reader's client (`HTTPResponder.halfCloseMeansDeparture`) within this of its
    /// request's hand-over is a half-close, and the request is answered; a later one is the
    /// client leaving, and its handler is cancelled. A client that sends and then shuts its side
    /// (`nc -N`, a load balancer passing the shutdown on) does so at once, but its FIN may still
    /// come in a wake-up of its own; one that gives up does so after its own timeout.
    public var halfCloseGrace: Duration = .seconds(1)

    /// The defaults: `127.0.0.1:8080`, one loop per usable CPU.
    public init() {}

    /// The defaults, listening on `host` and `port` (0 for any free port).
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    func validate() throws(ServerError) {
        func check(_ ok: Bool, _ field: String, _ reason: String) throws(ServerError) {
            if !ok { throw .invalidConfiguration(field: field, reason: reason) }
        }
        try check((1...1024).contains(loopCount), "loopCount", "must be 1-1024, got \(loopCount)")
        try check(maxConnections >= 1, "maxConnections", "must be at least 1")
        try check(backlog >= 1, "backlog", "must be at least 1")
        try check(limits.maxRequestLineLength >= 16, "limits.maxRequestLineLength", "must be at least 16")
        try check(limits.maxFieldLineLength >= 16, "limits.maxFieldLineLength", "must be at least 16")
        try check(limits.maxHeaderBlockLength >= limits.maxFieldLineLength, "limits.maxHeaderBlockLength", "must be at least maxFieldLineLength")
        try check(limits.maxHeaderBlockLength <= 1 << 20, "limits.maxHeaderBlockLength", "must be at most 1 MiB")
        try check(limits.maxRequestLineLength <= 1 << 20, "limits.maxRequestLineLength", "must be at most 1 MiB")
        try check(limits.maxFieldCount >= 1, "limits.maxFieldCount", "must be at least 1")
        try check(limits.maxBodyLength >= 0, "limits.maxBodyLength", "must not be negative")
        try check(maxLoopBodyBytes >= 1, "maxLoopBodyBytes", "must be at least 1")
        try check(readBufferSize >= 1024, "readBufferSize", "must be at least 1024")
        for (name, value) in [("headerReadTimeout", headerReadTimeout), ("bodyReadTimeout", bodyReadTimeout),
                              ("idleTimeout", idleTimeout), ("writeTimeout", writeTimeout), ("lingerTimeout", lingerTimeout)] {
            try check(value > .zero, name, "must be positive")
        }
    }
}

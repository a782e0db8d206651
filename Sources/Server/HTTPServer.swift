import CSystem
import Dispatch
import Glibc
import HTTP
import Synchronization

/// An HTTP/1.1 server: `loopCount` event-loop threads, each with its own epoll instance and
/// SO_REUSEPORT listener, handing complete requests to one `HTTPResponder`.
///
/// ```swift
/// let server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 8080), responder: app)
/// try server.start()
/// // … on SIGTERM:
/// await server.stop(gracePeriod: .seconds(10))
/// ```
public final class HTTPServer: Sendable {
    /// The configuration it was made with; checked by `start()`.
    public let configuration: ServerConfiguration
    private let responder: any HTTPResponder
    private let counter: ConnectionCounter
    private let shared = ServerShared()
    private let state = Mutex<State>(State())

    private struct State {
        var started = false
        var port = 0
        var loops: [LoopBound<EventLoop>] = []
        var threads: [LoopThread] = []
        /// Set when the drain began, with its grace period: a loop that starts after that (a
        /// `start()` racing a `stop()`) drains itself at once instead of serving unstopped.
        var drainGrace: Duration?
    }

    /// A server that is not yet listening: `start()` validates `configuration` and binds.
    /// `responder` is called from every loop thread at once.
    /// The process's soft descriptor limit is raised to its hard one here, and the connections
    /// taken are capped to what that limit leaves room for (`maxConnections`).
    public init(configuration: ServerConfiguration, responder: any HTTPResponder) {
        self.configuration = configuration
        self.responder = responder
        Self.raiseDescriptorLimit()
        let descriptors = Self.descriptorLimit()
        let maximum = Self.connectionLimit(configured: configuration.maxConnections, descriptors: descriptors)
        self.counter = ConnectionCounter(maximum: maximum, drainAllowance: Self.drainAllowance(maximum: maximum, descriptors: descriptors))
    }

    /// The most connections this server holds open at once: the configured `maxConnections`, or
    /// fewer when the process may not open that many descriptors with room to spare.
    public var maxConnections: Int { counter.maximum }

    /// `configured`, capped so that `descriptors` (the process's limit, nil: unlimited) keep a
    /// reserve beyond the connections: a quarter of the limit, at least 64 and at most 4,096,
    /// for the listeners, the upstream connections, the log and the runtime. With no descriptor
    /// left, a call to a marketplace fails, and libdispatch ends the whole process when it
    /// cannot open a file it needs, so clients alone must never be able to take them all.
    static func connectionLimit(configured: Int, descriptors: Int?) -> Int {
        guard let descriptors else { return configured }
        let reserve = min(max(64, descriptors / 4), 4096)
        return max(1, min(configured, descriptors - reserve))
    }

    /// How many connections a drain may take in beyond `maximum` from the listeners' queues,
    /// which closing the listeners would reset although their requests may already be sent: half
    /// the descriptors the limit leaves spare (the rest stay for the upstream calls still running),
    /// or with no descriptor limit as many as one listener queues by default.
    static func drainAllowance(maximum: Int, descriptors: Int?) -> Int {
        guard let descriptors else { return 4096 }
        return max(0, (descriptors - maximum) / 2)
    }

    /// The connections a server started in this process would hold for `configured`, its
    /// descriptor limit raised as `init` raises it: for checking a configuration beforehand.
    public static func connectionLimitHere(configured: Int) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_max != rlim_t.max else { return configured }
        return connectionLimit(configured: configured, descriptors: Int(clamping: max(limit.rlim_cur, limit.rlim_max)))
    }

    /// The soft limit on open descriptors (`RLIMIT_NOFILE`); nil when unlimited or unknown.
    private static func descriptorLimit() -> Int? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }
        return Int(clamping: limit.rlim_cur)
    }

    /// The port being listened on (the chosen one when configured with port 0); 0 before `start()`.
    public var port: Int { state.withLock { $0.port } }

    /// Connections open right now, across all loops.
    public var openConnections: Int { counter.current }

    /// True from `stop()` on: the server finishes what it has and takes nothing new.
    public var isDraining: Bool { counter.isDraining }

    /// The loops started, those that have stopped since too, for `activity()`.
    var startedLoops: [LoopBound<EventLoop>] { state.withLock { $0.loops } }

    /// Binds the listeners and starts the loops; returns once every loop is running.
    public func start() throws(ServerError) {
        try configuration.validate()
        let address = try SocketAddress(host: configuration.host, port: configuration.port)
        try state.withLock { state throws(ServerError) in
            guard !state.started else { throw .alreadyStarted }
            // Stopped before it started: its loops would pause their listeners at once, and
            // clients would connect to a server that never answers.
            guard !counter.isDraining else { throw .stopped }
            state.started = true
            // start() itself counts as running until it returns: a stop() that comes meanwhile
            // waits for it (and for the loops it begins), not only for the loops begun so far.
            shared.loopStarted()
        }
        defer { shared.loopFinished() }
        _ = cs_ignore_sigpipe()

        var listeners: [Socket] = []
        do throws(IOError) {
            if address.port != 0 { try Socket.checkPortFree(address) }
            let first = try Socket.listener(address: address, backlog: configuration.backlog)
            listeners.append(first)
            let bound = try first.localAddress()
            let sameAddress = address.withPort(bound.port)
            for _ in 1..<configuration.loopCount {
                listeners.append(try Socket.listener(address: sameAddress, backlog: configuration.backlog))
            }
            state.withLock { $0.port = bound.port }
        } catch {
            listeners.forEach { $0.close() }
            throw .system(error)
        }

        for (index, listener) in listeners.enumerated() {
            // A stop() that came meanwhile drained the loops it found, and those it missed drain
            // themselves (`State.drainGrace`); the rest are not started. The threads it could not
            // take are this call's to join.
            if counter.isDraining {
                listeners[index...].forEach { $0.close() }
                for thread in threadsLeftToJoin() { thread.join() }
                throw .stopped
            }
            do throws(ServerError) {
                try startLoop(index: index, listener: listener)
            } catch {
                // A start that fails part way leaves nothing behind: no listener open that no
                // loop accepts on, no loop serving a server its caller believes did not start.
                listeners[(index + 1)...].forEach { $0.close() }
                for thread in beginDrain(grace: .zero) { thread.join() }
                throw error
            }
        }
        // The same when stop() came after the last loop began but before its thread was noted.
        let missed = state.withLock { state -> [LoopThread] in
            guard state.drainGrace != nil else { return [] }
            defer { state.threads = [] }
            return state.threads
        }
        guard missed.isEmpty else {
            for thread in missed { thread.join() }
            throw .stopped
        }
    }

    /// The loop threads a drain begun by stop() has not taken to join (begun after it looked):
    /// the drain itself, with stop()'s grace, is stop()'s and the loops' own to run.
    private func threadsLeftToJoin() -> [LoopThread] {
        state.withLock { state in
            defer { state.threads = [] }
            return state.threads
        }
    }

    /// Marks the server draining, starts every loop's drain with `grace`, and hands back the loop
    /// threads to join, each once: joining a pthread twice is undefined (a repeated or concurrent
    /// stop could block on whatever thread reused the handle).
    private func beginDrain(grace: Duration) -> [LoopThread] {
        counter.beginDraining()
        let (loops, threads) = state.withLock { state in
            defer { state.threads = [] }
            state.drainGrace = state.drainGrace ?? grace
            return (state.loops, state.threads)
        }
        for loop in loops {
            loop.withValue { $0.beginDrain(grace: grace) }
        }
        return threads
    }

    private func startLoop(index: Int, listener: Socket) throws(ServerError) {
        let executor: LoopExecutor
        do {
            executor = try LoopExecutor()
        } catch {
            listener.close()
            throw .system(error)
        }
        let startup = LoopStartup()
        let configuration = self.configuration, responder = self.responder
        let counter = self.counter, shared = self.shared
        shared.loopStarted()
        do throws(IOError) {
            let thread = try LoopThread(name: "http-loop-\(index)") { [self] in
                let loop: EventLoop
                do throws(IOError) {
                    loop = try EventLoop(index: index, configuration: configuration, responder: responder,
                                         executor: executor, listener: listener, counter: counter, shared: shared)
                } catch {
                    listener.close()
                    startup.finish(error)
                    shared.loopFinished()
                    return
                }
                let drainGrace = state.withLock { state in
                    state.loops.append(LoopBound(loop, executor: executor))
                    return state.drainGrace
                }
                counter.register(LoopBound(loop, executor: executor))
                startup.finish(nil)
                // The drain began before this loop was noted: stop() could not reach it. Queued,
                // so that it runs as the loop's first job, with the loop set up to answer.
                if let drainGrace { LoopBound(loop, executor: executor).withValue { $0.beginDrain(grace: drainGrace) } }
                loop.run()
                counter.unregister(executor)
                shared.loopFinished()
            }
            state.withLock { $0.threads.append(thread) }
        } catch {
            shared.loopFinished()
            listener.close()
            throw .system(error)
        }
        if let error = startup.wait() { throw .system(error) }
    }

    /// Graceful shutdown: closes the listeners, closes idle connections at once, lets requests
    /// in flight finish (their responses carry `Connection: close`), and returns when all
    /// connections are gone or `gracePeriod` has passed. Then handlers still running are
    /// cancelled and what they answer within 250 ms is still sent (`RequestContext.isCutShortByDrain`);
    /// the rest are closed.
    public func stop(gracePeriod: Duration = .seconds(10)) async {
        let threads = beginDrain(grace: gracePeriod)
        await shared.waitUntilFinished()
        for thread in threads { thread.join() }
    }

    /// Graceful shutdown that must be over by `deadline` (e.g. before the container runtime's
    /// kill timer fires); the same steps as `stop(gracePeriod:)`.
    public func stop(deadline: ContinuousClock.Instant) async {
        await stop(gracePeriod: max(.zero, deadline - ContinuousClock.now))
    }

    /// Returns when the server has stopped (after `stop`).
    public func waitUntilStopped() async {
        await shared.waitUntilFinished()
    }

    /// Hands a loop thread's start-up outcome back to `start()`.
    private final class LoopStartup: Sendable {
        private let ready = DispatchSemaphore(value: 0)
        private let failure = Mutex<IOError?>(nil)

        func finish(_ error: IOError?) {
            failure.withLock { $0 = error }
            ready.signal()
        }

        func wait() -> IOError? {
            ready.wait()
            return failure.withLock { $0 }
        }
    }

    /// Lifts the soft open-file limit to the hard one: each connection is a descriptor.
    private static func raiseDescriptorLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}

import Dispatch

/// One loop's connections to one `HTTPClient`'s origin, and the calls waiting for one. Touched
/// only on the loop's thread.
final class ClientPool {
    let client: HTTPClient
    unowned let loop: EventLoop
    /// Kept-alive connections with nothing to do, the most recently used last (taken first: it
    /// is the least likely to have been closed by the server meanwhile).
    private var idle: [ClientConnection] = []
    /// Connections open or opening, idle ones included.
    private var openCount = 0
    /// Calls waiting for a connection, oldest first.
    private var waiting: [ClientCall] = []
    private var resolving = false

    init(client: HTTPClient, loop: EventLoop) {
        self.client = client
        self.loop = loop
    }

    var isUnused: Bool { openCount == 0 && waiting.isEmpty && !resolving }

    /// Starts `call` on an idle connection, a new one, or queues it. A write that is not safe to
    /// repeat (a reply) always goes on a connection of its own: a kept-alive connection can be
    /// closed by the server at the very moment it is reused, after any check that it is still
    /// open, and a write lost that way could not be told from one the server applied before
    /// closing, while on a new connection the server can only have taken the request in.
    func submit(_ call: ClientCall) {
        guard call.request.isIdempotent, waiting.isEmpty else {
            waiting.append(call)
            pump()
            return
        }
        while let connection = idle.popLast() {
            // A connection the server has closed, or that holds bytes nobody asked for, takes
            // no call: a read would take the stray bytes for its answer.
            if !connection.isStillOpen() {
                connection.close()
                continue
            }
            connection.send(call)
            return
        }
        waiting.append(call)
        pump()
    }

    /// A call whose kept-alive connection turned out closed: first in line for the next one.
    func resend(_ call: ClientCall) {
        waiting.insert(call, at: 0)
        pump()
    }

    func removeWaiting(_ call: ClientCall) {
        if let index = waiting.firstIndex(where: { $0 === call }) { waiting.remove(at: index) }
    }

    /// Calls waiting for a connection: what tests wait on to know a call is in line.
    var waitingCount: Int { waiting.count }

    /// A connection finished a response and can take another request: the first waiting call's,
    /// first come first served. A write or a read sent again first in line does not take it (each
    /// goes on a connection of its own, as in `pump`): the connection is closed, which makes room
    /// to open one for it.
    func connectionFree(_ connection: ClientConnection) {
        failLateWrites()
        guard let first = waiting.first else {
            connection.becomeIdle()
            idle.append(connection)
            return
        }
        // As in `submit`: the server may have closed right after its response (a draining
        // server does), or sent more than the response (an answer to no request, which the
        // next call would take for its own). Closing it opens a new one for the call
        // (`connectionClosed` pumps the queue).
        if !first.request.isIdempotent || first.resent || !connection.isStillOpen() {
            connection.close()
            return
        }
        connection.send(waiting.removeFirst())
    }

    func connectionClosed(_ connection: ClientConnection) {
        openCount -= 1
        if let index = idle.firstIndex(where: { $0 === connection }) { idle.remove(at: index) }
        pump()
    }

    /// Starts waiting calls, first come first served, while there is room: a read on an idle
    /// connection when there is one, a write, a read sent again, or a read with none idle, on a
    /// new connection, for which an idle one is closed when the pool is full.
    private func pump() {
        failLateWrites()
        while let first = waiting.first {
            // A read sent again (its kept-alive connection was closed as it was reused, as a
            // server does to all its idle ones when it restarts) goes on a new connection.
            if first.request.isIdempotent, !first.resent, let connection = idle.popLast() {
                // `close` calls `connectionClosed`, which pumps again: the loop then looks anew.
                if connection.isStillOpen() { connection.send(waiting.removeFirst()) } else { connection.close() }
                continue
            }
            guard let address = address() else { break }
            if openCount >= client.configuration.maxConnections {
                guard !idle.isEmpty else { break }
                idle.removeFirst().close()
                continue
            }
            let call = waiting.removeFirst()
            openCount += 1
            do throws(HTTPClientError) {
                let connection = try loop.openClientConnection(to: address, pool: self)
                connection.send(call)
            } catch {
                openCount -= 1
                loop.finishClientCall(call, .failure(error))
            }
        }
        // Those left wait for a connection to come free (or for the host's name).
        for call in waiting { call.queued = true }
    }

    /// Ends the writes that waited in line (`queued`) and are left with
    /// less than `minimumWriteTime` of their time, as never sent (`notSent`): the caller may try
    /// again or report it, knowing nothing went out. A write that never had to wait goes out
    /// with whatever time it has.
    private func failLateWrites() {
        guard !waiting.isEmpty else { return }
        let latest = loop.now &+ client.configuration.minimumWriteTime.nanoseconds
        var late: [ClientCall] = []
        waiting.removeAll { call in
            let isLate = call.queued && !call.request.isIdempotent && call.deadline < latest
            if isLate { late.append(call) }
            return isLate
        }
        for call in late {
            loop.finishClientCall(call, .failure(.notSent("no connection to \(client.hostField) came free in time to send the write")))
        }
    }

    /// The origin's address, or nil while a name is being resolved (off the loop: getaddrinfo
    /// blocks); the waiting calls go on when it is.
    private func address() -> SocketAddress? {
        if let literal = client.literalAddress { return literal }
        let now = loop.now
        let cached = client.resolved.withLock { $0 }
        if let cached, cached.expires > now { return cached.address }
        // An expired address serves while the name is resolved again, and after a failed
        // resolution: a lookup that is slow or fails for a moment must not hold back or fail
        // calls that the address known so far can carry.
        startResolving()
        return cached?.address
    }

    private func startResolving() {
        guard !resolving else { return }
        resolving = true
        let client = self.client
        let bound = LoopBound(self, executor: loop.executor)
        DispatchQueue.global().async {
            let result = HostResolver.resolve(client.host, port: client.port)
            client.resolved.withLock { resolved in
                let now = MonotonicClock.now()
                switch result {
                case .success(let address):
                    resolved = (address, now &+ HostResolver.cacheLifetime, now &+ HostResolver.staleLifetime)
                case .failure:
                    // The address known before serves on, for a day at most; the name is asked
                    // again in a while, not at every call.
                    if let known = resolved, known.servedUntil > now {
                        resolved?.expires = now &+ HostResolver.retryAfterFailure
                    } else {
                        resolved = nil
                    }
                }
            }
            bound.withValue { pool in pool.resolved(result) }
        }
    }

    private func resolved(_ result: Result<SocketAddress, HTTPClientError>) {
        resolving = false
        // Calls wait for the name only when no address was known before.
        if case .failure(let error) = result, client.resolved.withLock({ $0 }) == nil {
            let failed = waiting
            waiting.removeAll()
            for call in failed { loop.finishClientCall(call, .failure(error)) }
        }
        pump()
    }
}

import CSystem
import Glibc

/// The loop's side of `HTTPClient`: it registers the client's connections in its own epoll
/// instance (their ids carry `clientFlag`, a slot and a generation, so a stale event for a reused
/// descriptor is dropped as for server connections), keeps the calls' deadlines and the idle
/// connections' expiry among its timers, and ends every call on it when it shuts down.
extension EventLoop {
    static let clientFlag: UInt64 = 0x8000_0000

    /// The loop whose thread this is, if any.
    static var current: LoopBound<EventLoop>? {
        onThisThread.map { LoopBound($0, executor: $0.executor) }
    }

    func startClientCall(_ call: ClientCall, continuation: UnsafeContinuation<ClientCall.Result, Never>) {
        guard !call.cancelledEarly, !clientsClosed else {
            call.isFinished = true
            // Shut down, the loop sends nothing more: a write's caller must know it did not go
            // out (a keyed write stored as "may have applied" would hold its key for a day).
            continuation.resume(returning: .failure(call.cancelledEarly ? HTTPClientError.cancelledUnsent : .shutDown))
            return
        }
        call.continuation = continuation
        call.loop = self
        call.deadline = MonotonicClock.now() &+ call.timeout
        call.listIndex = clientCalls.count
        clientCalls.append(call)
        let pool: ClientPool
        if let existing = clientPools[call.client.id] {
            pool = existing
        } else {
            pool = ClientPool(client: call.client, loop: self)
            clientPools[call.client.id] = pool
        }
        pool.submit(call)
    }

    /// Ends `call` with `result` unless it has ended already: takes it off its connection (which
    /// then closes) or out of its pool's queue, and resumes its task.
    func finishClientCall(_ call: ClientCall, _ result: ClientCall.Result) {
        guard !call.isFinished else { return }
        call.isFinished = true
        let index = call.listIndex
        if index >= 0 {
            let last = clientCalls.removeLast()
            if last !== call {
                clientCalls[index] = last
                last.listIndex = index
            }
            call.listIndex = -1
        }
        if let connection = call.connection {
            call.connection = nil
            connection.abandon()
        } else {
            clientPools[call.client.id]?.removeWaiting(call)
        }
        call.loop = nil
        let continuation = call.continuation
        call.continuation = nil
        continuation?.resume(returning: result)
    }

    /// A non-blocking TCP connection to `address`, registered with this loop; the connect may
    /// still be in progress.
    func openClientConnection(to address: SocketAddress, pool: ClientPool) throws(HTTPClientError) -> ClientConnection {
        let fd = Glibc.socket(address.family, Int32(SOCK_STREAM.rawValue) | CS_SOCK_NONBLOCK | CS_SOCK_CLOEXEC, 0)
        guard fd >= 0 else { throw .localFailure("socket: \(String(cString: strerror(errno)))") }
        let socket = Socket(fd: fd)
        socket.setNoDelay()
        var connected = false
        while true {
            if address.withSockAddr({ Glibc.connect(fd, $0, $1) }) == 0 {
                connected = true
                break
            }
            let code = errno
            if code == EINTR { continue }
            if code == EINPROGRESS { break }
            socket.close()
            // Out of ephemeral ports or kernel memory: this machine's want, not the host refusing.
            if [EADDRNOTAVAIL, ENOBUFS, ENOMEM, EAGAIN].contains(code) {
                throw .localFailure("connect: \(String(cString: strerror(code)))")
            }
            throw .connectFailed(String(cString: strerror(code)))
        }
        let slot: Int32
        if let free = clientFreeSlots.popLast() {
            slot = free
        } else {
            slot = Int32(clientConnections.count)
            clientConnections.append(nil)
            clientGenerations.append(0)
        }
        clientGenerations[Int(slot)] &+= 1
        let registration = UInt64(clientGenerations[Int(slot)]) << 32 | Self.clientFlag | UInt64(slot)
        let connection = ClientConnection(socket: socket, connected: connected, slot: slot, registration: registration,
                                          pool: pool, loop: self)
        do {
            try selector.add(fd, events: ClientConnection.readEvents | CS_EPOLLOUT, id: registration)
        } catch {
            socket.close()
            clientFreeSlots.append(slot)
            throw .localFailure("epoll: \(error)")
        }
        clientConnections[Int(slot)] = connection
        return connection
    }

    func releaseClientConnection(_ connection: ClientConnection) {
        clientConnections[Int(connection.slot)] = nil
        clientFreeSlots.append(connection.slot)
    }

    func handleClient(id: UInt64, events: UInt32) {
        let slot = Int(truncatingIfNeeded: id & 0x7FFF_FFFF)
        guard slot < clientConnections.count, clientGenerations[slot] == UInt32(truncatingIfNeeded: id >> 32),
              let connection = clientConnections[slot]
        else { return }
        connection.handle(events: events)
    }

    /// Times out calls past their deadline and closes connections idle too long.
    func expireClientTimers() {
        var i = 0
        while i < clientCalls.count {
            let call = clientCalls[i]
            if call.deadline <= now {
                // Never sent before and still waiting for a connection: nothing reached the server,
                // which a write's caller must know. Still connecting is the host's failure to take
                // the connection (`connectTimedOut`); waiting in line for one is this client's
                // (`notSent`).
                let error: HTTPClientError
                if call.resent || (call.connection != nil && call.connection?.state != .connecting) {
                    error = .timedOut
                } else if call.connection?.state == .connecting {
                    error = .connectTimedOut
                } else {
                    error = .notSent("no connection to \(call.client.hostField) within the call's time")
                }
                finishClientCall(call, .failure(error))  // moves the last call to `i`
            } else {
                i += 1
            }
        }
        var closedAny = false
        for slot in clientConnections.indices {
            if let connection = clientConnections[slot], connection.state == .idle, connection.idleDeadline <= now {
                connection.close()
                closedAny = true
            }
        }
        if closedAny {
            for (id, pool) in clientPools where pool.isUnused { clientPools[id] = nil }
        }
    }

    func earliestClientDeadline() -> UInt64 {
        var earliest = UInt64.max
        for call in clientCalls { earliest = min(earliest, call.deadline) }
        for case let connection? in clientConnections where connection.state == .idle {
            earliest = min(earliest, connection.idleDeadline)
        }
        return earliest
    }

    /// At shutdown: every call still on this loop ends, every connection closes, and a call
    /// started later ends without being sent. A call that never went out (waiting for a
    /// connection, or for one still connecting, and not sent before) ends as not sent; one that
    /// may have reached its server, as cancelled.
    func closeClients() {
        clientsClosed = true
        // Waiting calls first: ending a call on a connection would otherwise hand the freed
        // room to a waiting one and open a connection only to close it.
        for call in clientCalls where call.connection == nil {
            finishClientCall(call, .failure(call.resent ? HTTPClientError.cancelled : .shutDown))
        }
        while let call = clientCalls.last {
            let unsent = !call.resent && call.connection?.state == .connecting
            finishClientCall(call, .failure(unsent ? HTTPClientError.shutDown : .cancelled))
        }
        for slot in clientConnections.indices { clientConnections[slot]?.close() }
        clientPools.removeAll()
    }
}

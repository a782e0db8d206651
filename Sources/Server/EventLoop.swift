import CSystem
import Glibc
import HTTP

/// One event loop: an epoll instance, its own SO_REUSEPORT listener, the connections it
/// accepted, their timers, and the executor that runs their handlers. Everything here is
/// touched only on the loop's thread.
final class EventLoop {
    static let wakeID: UInt64 = 0
    static let listenerID: UInt64 = 1

    let index: Int
    let configuration: ServerConfiguration
    let responder: any HTTPResponder
    let executor: LoopExecutor
    let counter: ConnectionCounter
    let shared: ServerShared
    let selector: Selector
    private var listener: Socket?
    private(set) var listenerPaused = false
    private var acceptRetryAt: UInt64?
    /// While the server is full and a newcomer waits at this loop's listener with no connection
    /// to close for it: when to look again (connections that go idle meanwhile make room).
    private var roomRetryAt: UInt64?
    /// Times this loop, full, looked among its connections for one to close for a newcomer
    /// (`ServerActivity.roomSearches`).
    private(set) var roomSearches = 0

    private(set) var connections: [Connection?] = []
    private var generations: [UInt32] = []
    private var freeSlots: [Int32] = []
    private(set) var liveConnections = 0
    /// Unsent response bytes across this loop's connections (each keeps its share current).
    var pendingOutput = 0
    /// Body bytes the requests being received on this loop announced (see `EventLoop+BodyRoom`).
    var bodyBytesReserved = 0
    /// The slots of the first and last connections whose body waits, unread, for room under
    /// `maxLoopBodyBytes`, linked oldest first through `Connection.bodyWaiterNext`; -1: none.
    var firstBodyWaiter: Int32 = -1
    var lastBodyWaiter: Int32 = -1
    /// Room is being handed to waiters (admitting one can end a body and free room again).
    var admittingBodies = false
    /// Handler tasks started on this loop and not yet ended (`Connection.dispatch`).
    var runningHandlers = 0
    /// How long, once the drain's grace period is over, the handlers it cancelled still have:
    /// to answer on connections kept open for that (`cutRunningRequests`), then, once every
    /// connection is closed, to run their way out.
    static let lastWordsNanoseconds: UInt64 = 250_000_000

    /// The loop whose thread this is, if any (unretained: the loop outlives its thread's work).
    static var onThisThread: EventLoop? {
        cs_current_loop().map { Unmanaged<EventLoop>.fromOpaque($0).takeUnretainedValue() }
    }

    let readBuffer: UnsafeMutableRawBufferPointer
    var dateCache = DateCache()
    private var dirty: [Connection] = []
    private var jobs: [LoopExecutor.Work] = []
    /// `OutputDeferral` work, run once the turn's responses are written.
    private var afterFlush: [() -> Void] = []
    private var afterFlushBatch: [() -> Void] = []

    private var timerHeads = [Int32](repeating: -1, count: TimerKind.allCases.count)
    private var timerTails = [Int32](repeating: -1, count: TimerKind.allCases.count)
    private let timerDurations: [UInt64]
    /// The write timer's list (`EventLoop+WriteTimer`): slots of connections whose output waits
    /// for the client, oldest deadline first.
    var writeTimerHead: Int32 = -1
    var writeTimerTail: Int32 = -1
    let writeTimeout: UInt64
    /// `ServerConfiguration.halfCloseGrace`, in nanoseconds.
    let halfCloseGrace: UInt64
    private(set) var now: UInt64 = MonotonicClock.now()

    private(set) var isDraining = false
    /// The server is draining, whether or not this loop's own drain has begun: the server marks
    /// itself draining before it queues each loop's `beginDrain`, and a request this loop reads
    /// in between (its thread busy, or preempted, while the stop came) is answered as the
    /// drain's, with `Connection: close`, not as keep-alive.
    var isStopping: Bool { isDraining || counter.isDraining }
    /// When the drain's grace period ends (set by `beginDrain`).
    private(set) var forceCloseAt: UInt64?
    /// Set when the grace period ended (`enforceGracePeriod`): everything still open is closed
    /// at this instant.
    var lastWordsUntil: UInt64?

    // Upstream connections of `HTTPClient` calls made on this loop (see EventLoop+Clients).
    var clientConnections: [ClientConnection?] = []
    var clientGenerations: [UInt32] = []
    var clientFreeSlots: [Int32] = []
    var clientPools: [UInt64: ClientPool] = [:]
    /// Calls in progress, each with a deadline; unordered.
    var clientCalls: [ClientCall] = []
    /// Set by `closeClients` at shutdown: a call that comes after it (a task woken from a sleep
    /// while the loop winds down) ends at once as cancelled, as nothing would drive it.
    var clientsClosed = false

    /// A loop with no `listener` serves only `HTTPClient` calls (see `ClientLoop`).
    init(index: Int, configuration: ServerConfiguration, responder: any HTTPResponder, executor: LoopExecutor,
         listener: Socket?, counter: ConnectionCounter, shared: ServerShared) throws(IOError) {
        self.index = index
        self.configuration = configuration
        self.responder = responder
        self.executor = executor
        self.listener = listener
        self.counter = counter
        self.shared = shared
        self.selector = try Selector()
        readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: configuration.readBufferSize, alignment: 16)
        var durations = [UInt64](repeating: 0, count: TimerKind.allCases.count)
        durations[TimerKind.header.rawValue] = configuration.headerReadTimeout.nanoseconds
        durations[TimerKind.body.rawValue] = configuration.bodyReadTimeout.nanoseconds
        durations[TimerKind.idle.rawValue] = configuration.idleTimeout.nanoseconds
        durations[TimerKind.linger.rawValue] = configuration.lingerTimeout.nanoseconds
        timerDurations = durations
        writeTimeout = configuration.writeTimeout.nanoseconds
        halfCloseGrace = configuration.halfCloseGrace.nanoseconds
        do {
            try selector.add(executor.eventFD, events: CS_EPOLLIN, id: Self.wakeID)
            if let listener { try selector.add(listener.fd, events: CS_EPOLLIN, id: Self.listenerID) }
        } catch {
            selector.close()
            readBuffer.deallocate()
            throw error
        }
    }

    /// Runs until drained (after `beginDrain`) or forced closed.
    func run() {
        executor.bindToCurrentThread()
        cs_set_current_loop(Unmanaged.passUnretained(self).toOpaque())
        dateCache.refresh()
        while !isFinished {
            var woke = false
            selector.wait(timeoutMilliseconds: nextTimeout()) { id, events in
                if !woke {
                    // The wait may have lasted minutes: timers armed and Date fields written for
                    // these events must count from waking up, not from falling asleep.
                    woke = true
                    now = MonotonicClock.now()
                    dateCache.refresh()
                }
                handle(id: id, events: events)
            }
            now = MonotonicClock.now()
            dateCache.refresh()
            var rounds = 0
            repeat {
                runJobs()
                flushDirty()
                rounds += 1
            } while executor.hasWork && rounds < 16
            expireTimers()
            flushDirty()
            runAfterFlush()
        }
        runAfterFlush()
        windDown()
        shutdown()
        for ifStopped in executor.stop() { ifStopped() }
    }

    /// Handlers cancelled when the grace period ended (and client calls cancelled with them)
    /// resume on this loop: they are let finish what they do on the way out (their access-log
    /// lines, their idempotency keys) for a bounded while (what is left of the last moments the
    /// grace period's end began, or those moments from now), instead of being left suspended
    /// forever once the loop stops running jobs.
    private func windDown() {
        closeAll()
        closeClients()
        let end = lastWordsUntil ?? MonotonicClock.now() &+ Self.lastWordsNanoseconds
        while runningHandlers > 0, MonotonicClock.now() < end {
            runJobs()
            runAfterFlush()
            if !executor.hasWork {
                selector.wait(timeoutMilliseconds: 10) { id, _ in
                    if id == Self.wakeID { executor.acknowledgeWake() }
                }
            }
        }
    }

    /// Drained: every connection is closed, so no handler can deliver here any more, and every
    /// handler has ended, or the grace period has. A handler whose client has gone can still be
    /// doing what it must finish (a keyed reply runs to its end, its outcome stored for a
    /// retry): its upstream calls are cancelled only when the grace period runs out, not as soon
    /// as the last connection closes.
    var isFinished: Bool {
        guard isDraining, liveConnections == 0 else { return false }
        return runningHandlers == 0 || forceCloseAt.map { $0 <= now } ?? true
    }

    private func handle(id: UInt64, events: UInt32) {
        if id == Self.wakeID {
            executor.acknowledgeWake()
            return
        }
        if id == Self.listenerID {
            acceptConnections()
            return
        }
        if id & Self.clientFlag != 0 {
            handleClient(id: id, events: events)
            return
        }
        let slot = Int(truncatingIfNeeded: id & 0xFFFF_FFFF) - 2
        guard slot >= 0, slot < connections.count, generations[slot] == UInt32(truncatingIfNeeded: id >> 32),
              let connection = connections[slot]
        else { return }  // stale: the fd was closed (and maybe reused) after this event was queued
        if events & CS_EPOLLERR != 0 {
            connection.close()
            return
        }
        if events & CS_EPOLLHUP != 0 {
            // Both directions shut: after our own shutdown (lingering), the client's FIN. Bytes it
            // sent that we never read must be read first: closing a socket with unread input
            // makes the kernel send a reset and drop the response still queued for the client.
            if connection.isLingering { connection.handleReadable() } else { connection.close() }
            return
        }
        if events & CS_EPOLLOUT != 0 { connection.flush() }
        if events & (CS_EPOLLIN | CS_EPOLLRDHUP) != 0 { connection.handleReadable(peerClosed: events & CS_EPOLLRDHUP != 0) }
    }

    // MARK: - Accepting

    private func acceptConnections() {
        guard let listener, !listenerPaused else { return }
        guard !counter.isDraining else {
            // This loop's drain is on its way and takes the queue in; until then the listener is
            // not watched, or its readiness would wake the loop again and again.
            pauseAccepting()
            return
        }
        for _ in 0..<128 {
            if !counter.tryAcquire() {
                // Full. Nobody waiting: the listener stays watched, for the next newcomer. One
                // waiting: an idle connection of this loop makes room for it, or else the loop
                // stops accepting until a release, and asks the others to close an idle one.
                guard listener.hasPendingConnection else { return }
                roomSearches += 1
                guard reclaimIdleConnection(), counter.tryAcquire() else {
                    pauseAccepting()
                    counter.notePaused(LoopBound(self, executor: executor))
                    if counter.hasRoom {
                        resumeAccepting()
                    } else {
                        counter.askForRoom(besides: executor)
                        // Connections that go idle from now on make room too: looked for again
                        // shortly, for as long as the newcomer waits.
                        roomRetryAt = now &+ Self.roomRetryInterval
                    }
                    return
                }
            }
            let accepted: (Socket, SocketAddress?)?
            do {
                accepted = try listener.accept()
            } catch {
                // Out of descriptors or memory: stop accepting for a moment instead of spinning.
                counter.release()
                pauseAccepting()
                acceptRetryAt = now + 100_000_000
                return
            }
            guard let (socket, address) = accepted else {
                counter.release()
                return
            }
            register(socket, address)
        }
    }

    /// How often a full loop with a newcomer waiting looks again for a connection to close.
    static let roomRetryInterval: UInt64 = 100_000_000

    /// Closes this loop's connection that has waited longest for a next request, to make room
    /// for a client waiting to be accepted when the server is full, as nginx does: an idle
    /// keep-alive connection costs its client a reconnect (RFC 9112 §9.5 lets a server close one
    /// at any time), while a server left full turns every new client away for as long as idle
    /// ones are kept. Without one, a connection that has sent nothing for a second or more.
    /// One on which a request arrived meanwhile is not closed: the request is read and answered,
    /// and the next is tried. False when this loop has none to close.
    private func reclaimIdleConnection() -> Bool {
        var slot = timerHeads[TimerKind.idle.rawValue]
        while slot >= 0, let connection = connections[Int(slot)] {
            let next = connection.timerNext
            connection.closeUnlessARequestWaits()
            if connection.phase == .closed { return true }
            slot = next
        }
        // The header timer's list is in the order connections began waiting for a head, each's
        // deadline the header timeout after that: the ones that began a grace or more ago.
        let lastDeadline = now &- configuration.freshConnectionGrace.nanoseconds &+ timerDurations[TimerKind.header.rawValue]
        slot = timerHeads[TimerKind.header.rawValue]
        while slot >= 0, let connection = connections[Int(slot)], connection.deadline <= lastDeadline {
            let next = connection.timerNext
            if connection.phase == .head, connection.requestCount == 0, connection.parser.hasNotBegunARequest,
               !connection.pendingHoldsARequest {
                connection.closeUnlessARequestWaits()
                if connection.phase == .closed { return true }
            }
            slot = next
        }
        return false
    }

    /// Another loop is full with a newcomer waiting and no idle connection of its own: closes
    /// this loop's longest idle one, if the server is still full (the release resumes it). True
    /// when nothing more is needed (it closed one, or there is room, or the server is stopping).
    func makeRoomForAnotherLoop() -> Bool {
        guard !isDraining, !counter.hasRoom else { return true }
        return reclaimIdleConnection()
    }

    private func register(_ socket: Socket, _ address: SocketAddress?) {
        socket.setNoDelay()
        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
        } else {
            slot = Int32(connections.count)
            connections.append(nil)
            generations.append(0)
        }
        generations[Int(slot)] &+= 1
        let registration = UInt64(generations[Int(slot)]) << 32 | UInt64(slot + 2)
        let connection = Connection(socket: socket, slot: slot, registration: registration,
                                    connectionID: shared.nextConnectionID(), remoteAddress: address, loop: self)
        do {
            try selector.add(socket.fd, events: connection.interest, id: registration)
        } catch {
            socket.close()
            freeSlots.append(slot)
            counter.release()
            return
        }
        connections[Int(slot)] = connection
        liveConnections += 1
        setTimer(connection, .header)
    }

    /// Called by a connection as it closes.
    func release(_ connection: Connection) {
        let slot = Int(connection.slot)
        connections[slot] = nil
        freeSlots.append(connection.slot)
        liveConnections -= 1
        counter.release()
    }

    private func pauseAccepting() {
        guard let listener, !listenerPaused else { return }
        listenerPaused = true
        selector.modify(listener.fd, events: 0, id: Self.listenerID)
    }

    /// Takes connections again after the server was full.
    func resumeAccepting() {
        guard let listener, listenerPaused, acceptRetryAt == nil else { return }
        listenerPaused = false
        selector.modify(listener.fd, events: CS_EPOLLIN, id: Self.listenerID)
    }

    // MARK: - Jobs and output

    private func runJobs() {
        guard executor.take(into: &jobs) else { return }
        let unownedExecutor = executor.asUnownedTaskExecutor()
        for work in jobs {
            switch work {
            case .job(let job): job.runSynchronously(on: unownedExecutor)
            case .closure(let body, _): body()
            }
        }
        jobs.removeAll(keepingCapacity: true)
    }

    func deferUntilFlushed(_ body: @escaping () -> Void) {
        afterFlush.append(body)
    }

    /// Runs deferred work until none is left (work may defer more, which would otherwise wait
    /// for the next wake-up).
    private func runAfterFlush() {
        while !afterFlush.isEmpty {
            swap(&afterFlush, &afterFlushBatch)
            for body in afterFlushBatch { body() }
            afterFlushBatch.removeAll(keepingCapacity: true)
        }
    }

    func markDirty(_ connection: Connection) {
        guard !connection.isDirty else { return }
        connection.isDirty = true
        dirty.append(connection)
    }

    private func flushDirty() {
        var i = 0
        while i < dirty.count {
            let connection = dirty[i]
            connection.isDirty = false
            connection.flush()
            i += 1
        }
        dirty.removeAll(keepingCapacity: true)
    }

    // MARK: - Timers

    func setTimer(_ connection: Connection, _ kind: TimerKind) {
        cancelTimer(connection)
        connection.timerKind = kind
        connection.deadline = now &+ timerDurations[kind.rawValue]
        let tail = timerTails[kind.rawValue]
        connection.timerPrev = tail
        connection.timerNext = -1
        if tail >= 0 {
            connections[Int(tail)]!.timerNext = connection.slot
        } else {
            timerHeads[kind.rawValue] = connection.slot
        }
        timerTails[kind.rawValue] = connection.slot
    }

    func cancelTimer(_ connection: Connection) {
        guard let kind = connection.timerKind else { return }
        let prev = connection.timerPrev, next = connection.timerNext
        if prev >= 0 { connections[Int(prev)]!.timerNext = next } else { timerHeads[kind.rawValue] = next }
        if next >= 0 { connections[Int(next)]!.timerPrev = prev } else { timerTails[kind.rawValue] = prev }
        connection.timerKind = nil
        connection.timerPrev = -1
        connection.timerNext = -1
    }

    private func expireTimers() {
        for kind in TimerKind.allCases {
            while case let head = timerHeads[kind.rawValue], head >= 0, let connection = connections[Int(head)],
                  connection.deadline <= now {
                cancelTimer(connection)
                connection.timerExpired(kind)
            }
        }
        expireWriteTimers()
        if let retry = roomRetryAt, retry <= now {
            roomRetryAt = nil
            if listenerPaused, acceptRetryAt == nil, let listener {
                listenerPaused = false
                selector.modify(listener.fd, events: CS_EPOLLIN, id: Self.listenerID)
            }
            acceptConnections()
        }
        if let retry = acceptRetryAt, retry <= now {
            acceptRetryAt = nil
            if counter.hasRoom {
                resumeAccepting()
            } else {
                // Another loop took the room meanwhile: wait for a release as a full loop does,
                // or the listener would stay paused with nobody to resume it.
                counter.notePaused(LoopBound(self, executor: executor))
                if counter.hasRoom { resumeAccepting() }
            }
        }
        enforceGracePeriod()
        expireClientTimers()
    }

    /// Milliseconds until the earliest deadline (rounded up), 0 when work is queued, -1 for none.
    private func nextTimeout() -> Int32 {
        if executor.hasWork { return 0 }
        var earliest = UInt64.max
        for kind in TimerKind.allCases {
            let head = timerHeads[kind.rawValue]
            if head >= 0, let connection = connections[Int(head)] { earliest = min(earliest, connection.deadline) }
        }
        if writeTimerHead >= 0, let connection = connections[Int(writeTimerHead)] { earliest = min(earliest, connection.writeDeadline) }
        if let retry = acceptRetryAt { earliest = min(earliest, retry) }
        if let retry = roomRetryAt { earliest = min(earliest, retry) }
        if let until = lastWordsUntil {
            earliest = min(earliest, until)
        } else if let force = forceCloseAt {
            earliest = min(earliest, force)
        }
        earliest = min(earliest, earliestClientDeadline())
        guard earliest != .max else { return -1 }
        let current = MonotonicClock.now()
        guard earliest > current else { return 0 }
        return Int32(min((earliest - current + 999_999) / 1_000_000, 60_000))
    }

    // MARK: - Shutdown

    /// Stops accepting, closes idle connections, and lets requests in flight finish (their
    /// responses say `Connection: close`). After `grace`, whatever is left is closed.
    func beginDrain(grace: Duration) {
        guard !isDraining else { return }
        isDraining = true
        now = MonotonicClock.now()
        forceCloseAt = now &+ grace.nanoseconds
        // Connections the kernel completed but we have not accepted yet would be reset when the
        // listener closes, though their requests may already be sent: they are taken in, past the
        // connection limit if need be (by the counter's drain allowance; another loop may not have
        // closed its share yet), their requests answered, and those that sent nothing closed with
        // the connections that have nothing under way.
        if let listener {
            takeInQueuedConnections(from: listener)
            selector.remove(listener.fd)
            listener.close()
            self.listener = nil
        }
        closeConnectionsWithNothingUnderWay()
    }

    private func takeInQueuedConnections(from listener: Socket) {
        while counter.tryAcquireForDrain() {
            let accepted: (Socket, SocketAddress?)?
            do {
                accepted = try listener.accept()
            } catch {
                counter.release()
                return
            }
            guard let (socket, address) = accepted else {
                counter.release()
                return
            }
            register(socket, address)
        }
    }

    /// What a drain does to each connection: one with no request under way closes (after reading
    /// one already waiting, which is answered), and one with a request under way is told to close
    /// after its response.
    private func closeConnectionsWithNothingUnderWay() {
        for case let connection? in connections {
            switch connection.phase {
            case .idle:
                // A last response still going out announced keep-alive, so the client may already
                // have sent its next request: it is read and answered once that response is out.
                connection.closeUnlessARequestWaits()
            case .head where connection.parser.hasNotBegunARequest && !connection.pendingHoldsARequest:
                connection.closeUnlessARequestWaits()
            case .processing, .head, .body:
                // The response of the request in progress closes the connection unless requests
                // were pipelined behind it (`Connection.deliver`): those were sent before the
                // drain and are answered too, the last with `Connection: close`.
                break
            default:
                connection.keepAlive = false
            }
        }
    }

    /// After `windDown`, which closed every connection and client call.
    private func shutdown() {
        cs_set_current_loop(nil)
        if let listener {
            listener.close()
            self.listener = nil
        }
        selector.close()
        readBuffer.deallocate()
        // Handlers still running (their connections are closed) may enqueue later; none of it
        // may ever run as if on this loop, even if a new thread reuses this one's id.
        executor.unbind()
    }
}

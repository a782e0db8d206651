import CSystem
import Glibc
import HTTP

/// One accepted TCP connection and its HTTP/1.1 state machine. Lives on one loop for its whole
/// life and is only touched on that loop's thread, so it needs no lock.
///
/// Requests are handled one at a time, in order: while a handler runs, the connection reads
/// nothing more (pipelined requests wait in `pending` and then in the kernel), which is both
/// strict ordering and back-pressure.
final class Connection {
    enum Phase: UInt8 {
        /// Keep-alive: waiting for the first byte of the next request.
        case idle
        /// Receiving a request head (also a fresh connection before its first byte).
        case head
        /// Receiving a request body.
        case body
        /// A handler is running.
        case processing
        /// The last response is being sent; then the connection lingers.
        case closing
        /// Our side is shut down; unread input is drained until EOF or the linger timer.
        case lingering
        case closed
    }

    let socket: Socket
    let slot: Int32
    /// epoll registration id: generation and slot, so stale events are recognised.
    let registration: UInt64
    let connectionID: UInt64
    let remoteAddress: SocketAddress?
    unowned(unsafe) let loop: EventLoop

    var phase = Phase.head
    var parser: RequestHeadParser
    /// Received bytes not yet consumed (from `pendingStart` on): the start of a partial message,
    /// or pipelined requests. Empty whenever all of it was consumed.
    var pending: [UInt8] = []
    /// Bytes at the front of `pending` already consumed: moved out only once they are half of it,
    /// so a burst of small pipelined requests is not moved down once per request (quadratic).
    var pendingStart = 0
    /// The request being received: its head bytes, then its body.
    var storage: [UInt8] = []
    var currentHead: RequestHead?
    var bodyRemaining = 0
    var chunkDecoder: ChunkedBodyDecoder?
    var output = OutputQueue() {
        didSet {
            loop.pendingOutput += output.count - accountedOutput
            accountedOutput = output.count
        }
    }
    /// `output.count` as last added to the loop's `pendingOutput`.
    private var accountedOutput = 0
    var requestCount = 0
    var keepAlive = true
    var isHeadRequest = false
    var isHTTP10 = false
    var inputClosed = false
    var isDirty = false
    var consuming = false
    /// Further pipelined requests wait until the output queue drains below the limit.
    var awaitingDrain = false
    /// The server is draining and what this connection's client had sent by then was read in:
    /// it is answered, and nothing sent later keeps the connection open.
    var readAtDrain = false
    var task: Task<Void, Never>?
    /// When a FIN with nothing sent before it begins to mean the request being handled is
    /// abandoned (`MonotonicClock`): its hand-over plus `halfCloseGrace`, for a request whose
    /// responder says so (`HTTPResponder.halfCloseMeansDeparture`); `.max` for any other.
    var departureFrom: UInt64 = .max
    var departsOnHalfClose: Bool { departureFrom != .max }
    /// The client's FIN was seen (EPOLLRDHUP) while this connection read. A request dispatched
    /// after it was sent before it: a client that half-closes once it has sent everything
    /// (`nc -N`, `shutdown(SHUT_WR)` after a batch) awaits its answers, and is not one that left.
    var finSeen = false

    /// epoll interest currently registered.
    var interest: UInt32
    // Timer list membership (see `TimerKind`).
    var timerKind: TimerKind?
    /// The socket's unacknowledged bytes when the write timer was armed: a peer that acknowledged
    /// some since is reading, however slowly, and is given another period.
    var unacknowledgedAtWriteTimer = 0
    /// Bytes a reader must acknowledge in a write-timeout period to be given another.
    static let minimumWriteProgress = 16 * 1024
    /// Body bytes this connection holds room for on its loop (`EventLoop+BodyRoom`); 0: none.
    var bodyReservation = 0
    /// Room the body being received asks for while it waits on its loop; 0: not waiting.
    var bodyRoomWanted = 0
    /// The slots of the bodies waiting before and after this one on the loop; -1: none.
    var bodyWaiterPrev: Int32 = -1
    var bodyWaiterNext: Int32 = -1
    /// The request expects `100 Continue`, to be sent once its body has room.
    var continueOnAdmission = false
    var timerPrev: Int32 = -1
    var timerNext: Int32 = -1
    var deadline: UInt64 = 0
    /// The write timer (`EventLoop+WriteTimer`): armed while output waits for the client.
    var writeTimerArmed = false
    var writeTimerPrev: Int32 = -1
    var writeTimerNext: Int32 = -1
    var writeDeadline: UInt64 = 0
    /// When the request being received began (`MonotonicClock`, as the loop last read it): the
    /// connection's start for its first request, else the wake-up that brought the request's
    /// first byte. A refusal or an abandoned request reports its duration from here.
    var requestStartedAt: UInt64

    static let readEvents = CS_EPOLLIN | CS_EPOLLRDHUP

    init(socket: Socket, slot: Int32, registration: UInt64, connectionID: UInt64,
         remoteAddress: SocketAddress?, loop: EventLoop) {
        self.socket = socket
        self.slot = slot
        self.registration = registration
        self.connectionID = connectionID
        self.remoteAddress = remoteAddress
        self.loop = loop
        self.parser = RequestHeadParser(limits: loop.configuration.limits)
        self.interest = Self.readEvents
        self.requestStartedAt = loop.now
    }

    // MARK: - Handing requests to the responder

    /// Starts the handler for a complete request as a task on this loop's executor.
    func dispatch(_ head: RequestHead, bodyRange: Range<Int>) {
        phase = .processing
        loop.cancelTimer(self)
        requestCount += 1
        let request = HTTPRequest(head: head, storage: storage, bodyRange: bodyRange)
        storage = []
        let responder = loop.responder
        departureFrom = !finSeen && responder.halfCloseMeansDeparture(request) ? loop.now &+ loop.halfCloseGrace : .max
        let context = RequestContext(remoteAddress: remoteAddress, loopIndex: loop.index, connectionID: connectionID,
                                     requestNumber: requestCount, startedAt: requestStartedAt)
        let bound = LoopBound(self, executor: loop.executor)
        loop.runningHandlers += 1
        task = Task(executorPreference: loop.executor) {
            defer { bound.withValue { $0.loop.runningHandlers -= 1 } }
            var response: HTTPResponse
            do {
                response = try await responder.respond(to: request, context: context)
                // A 1xx is interim: sent as the answer, the client would take the next response
                // for this request's, and every answer after it would be off by one.
                if response.status.code < 200 { response = responder.refusal(.internalError, request: request, context: context) }
            } catch is ConnectionAbort {
                bound.withValue { connection in
                    if connection.phase == .processing { connection.close(abortive: true) }
                }
                return
            } catch {
                response = responder.refusal(.internalError, request: request, context: context)
            }
            let answer = response
            bound.withValue { $0.deliver(answer) }
        }
    }

    /// The handler's response, on the loop thread.
    func deliver(_ response: HTTPResponse) {
        // A connection closed while its handler ran has already cancelled and dropped the task.
        guard phase == .processing else { return }
        task = nil
        // Draining: requests the client pipelined behind this one were sent before the drain
        // and are answered too, the last with `Connection: close`. Those still in the socket
        // are read now, since this response decides whether the connection stays for them.
        if loop.isStopping, keepAlive, !readAtDrain {
            readAtDrain = true
            readWaitingInput()
        }
        let close = !keepAlive || (loop.isStopping && !pendingHoldsARequest)
        let field: ResponseHeadWriter.ConnectionField = close ? .close : (isHTTP10 ? .keepAlive : .none)
        output.appendResponse(response, sendBody: !isHeadRequest && !response.status.forbidsBody,
                              dateLine: loop.dateCache.line, connection: field)
        loop.markDirty(self)
        if close {
            phase = .closing
        } else {
            phase = .idle
            continueAfterResponse()
        }
    }

    /// Answers a request the server refuses by itself with the responder's rendering of it.
    /// `methodRead`: the method of a request whose head was refused after its method was read.
    func refuse(_ refusal: ServerRefusal, methodRead: HTTPMethod? = nil) {
        var refusal = refusal
        refusal.method = methodRead
        fail(with: loop.responder.refusal(refusal, request: requestSoFar(), context: nextContext()), toHead: methodRead == .head)
    }

    /// The client closed its side, or the connection broke, after a request's head and before
    /// the rest of its body: nobody can be answered, and the responder is told so it can
    /// account for the request.
    func abandonBody() {
        guard phase == .body, let request = requestSoFar() else { return }
        currentHead = nil
        chunkDecoder = nil
        loop.releaseBodyRoom(of: self)
        loop.responder.abandoned(request, context: nextContext())
    }

    /// The context of the request being received.
    func nextContext() -> RequestContext {
        RequestContext(remoteAddress: remoteAddress, loopIndex: loop.index, connectionID: connectionID,
                       requestNumber: requestCount + 1, startedAt: requestStartedAt)
    }

    /// The request being received, when its head was read: the head, without the body.
    func requestSoFar() -> HTTPRequest? {
        guard let head = currentHead, storage.count >= head.length else { return nil }
        return HTTPRequest(head: head, storage: storage, bodyRange: head.length..<head.length)
    }

    /// Sends `response`, then closes after a linger.
    func fail(with response: HTTPResponse, toHead: Bool = false) {
        // A refusal of a HEAD request carries no content (RFC 9110 §9.3.2), whether its head was
        // refused or its body (too large, too slow, malformed).
        let head = toHead || currentHead?.method == .head
        keepAlive = false
        currentHead = nil
        chunkDecoder = nil
        continueOnAdmission = false
        loop.releaseBodyRoom(of: self)
        storage = []
        output.appendResponse(response, sendBody: !head, dateLine: loop.dateCache.line, connection: .close)
        phase = .closing
        loop.cancelTimer(self)
        loop.markDirty(self)
    }

    /// Whether `pending` has more than the empty lines a client may send after a body (RFC 9112 §2.2).
    var pendingHoldsARequest: Bool { Self.holdsMoreThanEmptyLines(pending[pendingStart...]) }

    /// Whether `bytes` hold anything but CR and LF, the bytes of empty lines.
    static func holdsMoreThanEmptyLines(_ bytes: some Sequence<UInt8>) -> Bool {
        bytes.contains { $0 != 13 && $0 != 10 }
    }

    /// A timer of this connection fired.
    func timerExpired(_ kind: TimerKind) {
        switch kind {
        case .header:
            // No request begun (nothing, or only empty lines, CR LF): nobody to answer.
            if parser.hasNotBegunARequest, !pendingHoldsARequest {
                close()
            } else {
                refuse(.requestTimeout, methodRead: parser.methodRead)
            }
        case .body:
            refuse(.requestTimeout)
        case .idle, .linger:
            close()
        }
    }

    /// The write timer fired: no room to write for a whole period.
    func writeTimerExpired() {
        // The kernel reports room to write only once a good part of a send buffer (which
        // autotuning grows to megabytes) has drained, so no room for a whole period can still be
        // a reader that keeps reading: its acknowledgements tell. A trickle (less than
        // `minimumWriteProgress` a period) is a stall all the same.
        if let unacknowledged = socket.unacknowledgedBytes, unacknowledged < unacknowledgedAtWriteTimer,
           unacknowledgedAtWriteTimer - unacknowledged >= min(Self.minimumWriteProgress, unacknowledgedAtWriteTimer) {
            unacknowledgedAtWriteTimer = unacknowledged
            loop.setWriteTimer(self)
            return
        }
        close(abortive: true)
    }

    /// Sets the keep-alive timer of a connection with nothing in progress, unless its output
    /// waits for the client: a slow reader of a large response is the write timer's, and the
    /// idle timer starts once that output is out (`flush`).
    func setIdleTimer() {
        if writeTimerArmed {
            loop.cancelTimer(self)
        } else {
            loop.setTimer(self, .idle)
        }
    }

    /// Releases everything: cancels a running handler, closes the fd (which also removes it
    /// from epoll), and frees the slot.
    func close(abortive: Bool = false) {
        guard phase != .closed else { return }
        // However the connection ends mid-body (a reset's error event, a hang-up, a failed
        // write, the drain's forced close), the request it was receiving is accounted for.
        abandonBody()
        phase = .closed
        task?.cancel()
        task = nil
        loop.cancelTimer(self)
        loop.cancelWriteTimer(self)
        if abortive { socket.setAbortiveClose() }
        socket.close()
        pending = []
        pendingStart = 0
        storage = []
        output.removeAll()
        if bodyReservation > 0 || awaitsBodyRoom { loop.releaseBodyRoom(of: self) }  // the slot must leave the waiters' list
        loop.release(self)
    }
}

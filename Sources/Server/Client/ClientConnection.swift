import CSystem
import Glibc
import HTTP

/// One connection of an `HTTPClient` pool: connects, writes one request at a time, reads its
/// response (Content-Length, chunked, or up to close) and hands the connection back to the pool
/// when it can carry another. Touched only on its loop's thread.
final class ClientConnection {
    enum State {
        case connecting
        /// Writing a request or reading its response.
        case busy
        case idle
        case closed
    }

    unowned let loop: EventLoop
    let pool: ClientPool
    let socket: Socket
    let slot: Int32
    let registration: UInt64
    private(set) var state: State
    private(set) var call: ClientCall?
    /// Monotonic nanoseconds after which an idle connection is closed.
    private(set) var idleDeadline: UInt64 = 0

    private var interest: UInt32
    private var output: [UInt8] = []
    private var written = 0
    private var input: [UInt8] = []
    private var head: ResponseHead?
    /// How far the bytes of a head not yet complete were searched for its end.
    private var headScanned = 0
    /// Where the body starts in `input`; for chunked bodies, how far the decoder has read.
    private var bodyOffset = 0
    private var chunked = ChunkedBodyDecoder()
    private var decodedBody: [UInt8] = []
    /// Bytes received for the response in progress, framing included: a chunked body's size
    /// lines and extensions are not counted by the decoder's limit.
    private var received = 0
    /// Of `received`, the bytes taken from the configuration's `answerBudget`: handed to the
    /// response's lease when it is complete, given back when the connection goes first.
    private var budgeted = 0
    /// Interim (1xx) responses received for the call in progress.
    private var interimResponses = 0
    /// Responses completed on this connection: a call on a reused connection that gets nothing
    /// back may have met a server closing it, and reads are resent.
    private var served = 0

    static let readEvents = CS_EPOLLIN | CS_EPOLLRDHUP
    /// Reads of the loop's buffer per readable event (64 KiB each).
    static let readsPerWakeup = 16
    /// Interim responses a call takes before its real one.
    static let maxInterimResponses = 16

    /// Bytes a response may take on the wire: its head, its body, and as much again for a
    /// chunked body's framing.
    static func receiveLimit(_ configuration: HTTPClient.Configuration) -> Int {
        configuration.maxHeadLength * (maxInterimResponses + 1) + 2 * configuration.maxBodyLength + 64 * 1024
    }

    init(socket: Socket, connected: Bool, slot: Int32, registration: UInt64, pool: ClientPool, loop: EventLoop) {
        self.socket = socket
        self.slot = slot
        self.registration = registration
        self.pool = pool
        self.loop = loop
        state = connected ? .busy : .connecting
        interest = Self.readEvents | CS_EPOLLOUT
    }

    // MARK: - Requests

    /// Writes `call`'s request; its response comes back through `loop.finishClientCall`.
    func send(_ call: ClientCall) {
        precondition(self.call == nil && state != .closed, "a client connection got a second request")
        self.call = call
        call.connection = self
        if state == .idle { state = .busy }
        output = call.encoded
        written = 0
        if state == .busy { flush() }
    }

    /// Becomes an idle member of the pool.
    func becomeIdle() {
        state = .idle
        idleDeadline = loop.now &+ pool.client.configuration.idleTimeout.nanoseconds
        setInterest(Self.readEvents)
    }

    /// Whether the server has not closed an idle connection (nor sent anything unasked), as far
    /// as the socket already knows: one non-blocking peek.
    func isStillOpen() -> Bool {
        var byte: UInt8 = 0
        let n = recv(socket.fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
    }

    /// The call ended from outside (timeout, cancellation): the response can no longer be
    /// told apart from the next one, so the connection goes.
    func abandon() {
        call = nil
        close()
    }

    // MARK: - Events

    func handle(events: UInt32) {
        if state == .connecting {
            if events & (CS_EPOLLOUT | CS_EPOLLERR | CS_EPOLLHUP) != 0 { finishConnecting() }
            return
        }
        if events & CS_EPOLLOUT != 0 { flush() }
        if state != .closed, events & (CS_EPOLLIN | CS_EPOLLRDHUP | CS_EPOLLERR | CS_EPOLLHUP) != 0 { readAvailable() }
    }

    private func finishConnecting() {
        let error = cs_socket_error(socket.fd)
        guard error == 0 else {
            let reason = error > 0 ? String(cString: strerror(error)) : "connect failed"
            fail(.connectFailed(reason))
            return
        }
        state = .busy
        if call != nil { flush() } else { pool.connectionFree(self) }
    }

    private func flush() {
        while written < output.count {
            let result = output.withUnsafeBytes { socket.write(UnsafeRawBufferPointer(rebasing: $0[written...])) }
            switch result {
            case .bytes(let n):
                written += n
            case .wouldBlock:
                setInterest(Self.readEvents | CS_EPOLLOUT)
                return
            case .endOfFile:
                lostWhileSending(errno: 0)
                return
            case .failed(let code):
                lostWhileSending(errno: code)
                return
            }
        }
        setInterest(Self.readEvents)
    }

    /// The upstream stopped taking the request: it may have answered first and closed (a 413
    /// for a body it will not read), and that answer, whole in the socket, is the call's outcome
    /// rather than the broken write. The connection is not reused either way (`complete` keeps
    /// only one whose request went out whole). Read to the end: no later wake-up would bring the
    /// rest of it (the answer is bounded by the client's response limit).
    private func lostWhileSending(errno code: Int32) {
        let sending = call
        if sending != nil { readAvailable(reads: .max) }
        guard state != .closed, call === sending else { return }
        lost(errno: code)
    }

    /// Reads a wake-up's worth: at most `readsPerWakeup` buffers, so that an upstream sending as
    /// fast as the socket takes never holds the loop (the other connections, the timers that
    /// end its own call); epoll reports the rest on the next turn.
    /// `reads`: buffers read at most (the whole socket when it is all the call will get).
    private func readAvailable(reads limit: Int = ClientConnection.readsPerWakeup) {
        let buffer = loop.readBuffer
        var reads = 0
        while state != .closed, reads < limit {
            reads += 1
            switch socket.read(into: buffer) {
            case .bytes(let n):
                guard let reading = call else {
                    // Bytes nobody asked for on an idle connection: its framing cannot be trusted.
                    close()
                    return
                }
                received += n
                guard received <= Self.receiveLimit(pool.client.configuration) else {
                    fail(.responseTooLarge(limit: pool.client.configuration.maxBodyLength))
                    return
                }
                if let budget = pool.client.configuration.answerBudget {
                    switch budget.take(n, message: budgeted) {
                    case .taken: budgeted += n
                    case .full:
                        fail(.overBudget(limit: budget.limit))
                        return
                    case .neverFits:
                        fail(.responseTooLarge(limit: budget.limit))
                        return
                    }
                }
                input.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                process()
                // The call ended (and the connection may already carry the next one): bytes
                // still in the socket belong to no request of this wake-up's; the next call's
                // answer is read when epoll reports it, after the pool looked for strays.
                guard call === reading else { return }
                if n < buffer.count { return }
            case .wouldBlock:
                return
            case .endOfFile:
                endOfInput()
                return
            case .failed(let e):
                lost(errno: e)
                return
            }
        }
    }

    // MARK: - Responses

    private func process() {
        guard let call else { return }
        let configuration = pool.client.configuration
        if head == nil {
            while true {
                let parser = ResponseHeadParser(maxHeadLength: configuration.maxHeadLength)
                let method = call.request.method
                let scanFrom = headScanned
                let outcome = input.withUnsafeBytes { bytes in
                    Result { () throws(ResponseParseError) in try parser.parse(bytes, requestMethod: method, scanFrom: scanFrom) }
                }
                let parsed: (head: ResponseHead, length: Int)?
                switch outcome {
                case .success(let value): parsed = value
                case .failure(let error):
                    // The host answered, in a head no HTTP/1.1 reader may take: not a lost
                    // connection to try again, nor the host's failure to open a circuit for.
                    fail(.unreadableResponse(status: nil, "a response head HTTP/1.1 does not allow: \(error.detail)"))
                    return
                }
                guard let (parsedHead, length) = parsed else {
                    headScanned = ResponseHeadParser.resumeOffset(afterSearching: input.count)
                    return
                }
                headScanned = 0
                if parsedHead.isInformational {
                    // 100 Continue, 103 Early Hints: the real answer follows, after a few at most.
                    interimResponses += 1
                    guard interimResponses <= Self.maxInterimResponses else {
                        fail(.connectionLost("\(pool.client.hostField) sent more than \(Self.maxInterimResponses) interim responses"))
                        return
                    }
                    input.removeFirst(length)
                    continue
                }
                // Asked for none (`Accept-Encoding: identity`), a coded body cannot be read; an
                // answer without one (a 204, `Content-Length: 0`) has nothing to misread.
                if parsedHead.mayHaveBody, let coding = parsedHead.field("content-encoding")?.trimmingOWS(), !coding.isEmpty,
                   coding.lowercased() != "identity" {
                    fail(.unreadableResponse(status: parsedHead.status, "Content-Encoding \(coding.prefix(40)), which was not asked for"))
                    return
                }
                head = parsedHead
                bodyOffset = length
                if case .chunked = parsedHead.framing {
                    chunked = ChunkedBodyDecoder(limits: ParserLimits(maxBodyLength: configuration.maxBodyLength))
                    decodedBody.removeAll(keepingCapacity: false)
                }
                break
            }
        }
        guard let head else { return }
        switch head.framing {
        case .none:
            complete(body: [], leftover: input.count - bodyOffset)
        case .length(let length):
            guard length <= configuration.maxBodyLength else {
                fail(.responseTooLarge(limit: configuration.maxBodyLength))
                return
            }
            let available = input.count - bodyOffset
            guard available >= length else { return }
            guard available == length else {
                complete(body: Array(input[bodyOffset..<(bodyOffset + length)]), leftover: available - length)
                return
            }
            // The body ends the input (the usual case): the input becomes the body, its head
            // moved out in place, instead of the body copied into fresh memory.
            input.removeSubrange(0..<bodyOffset)
            let body = input
            input = []
            complete(body: body, leftover: 0)
        case .chunked:
            let offset = bodyOffset
            let outcome = input.withUnsafeBytes { bytes in
                Result { () throws(HTTPParseError) in
                    try chunked.decode(UnsafeRawBufferPointer(rebasing: bytes[offset...]), into: &decodedBody)
                }
            }
            let consumed: Int
            switch outcome {
            case .success(let count): consumed = count
            case .failure(.bodyTooLarge):
                fail(.responseTooLarge(limit: configuration.maxBodyLength))
                return
            case .failure(let error):
                fail(.connectionLost("invalid chunked body from \(pool.client.hostField): \(error.detail)"))
                return
            }
            bodyOffset += consumed
            if bodyOffset >= 64 * 1024, bodyOffset * 2 >= input.count {
                // Decoded bytes are in `decodedBody`: the framing read past is dropped, so
                // size lines and extensions do not pile up in memory.
                input.removeFirst(bodyOffset)
                bodyOffset = 0
            }
            guard chunked.isComplete else { return }
            let body = decodedBody
            decodedBody = []
            complete(body: body, leftover: input.count - bodyOffset)
        case .untilClose:
            if input.count - bodyOffset > configuration.maxBodyLength {
                fail(.responseTooLarge(limit: configuration.maxBodyLength))
            }
        }
    }

    private func endOfInput() {
        if let head, head.framing == .untilClose, call != nil {
            complete(body: Array(input[bodyOffset...]), leftover: 0, reusable: false)
            return
        }
        lost(errno: 0)
    }

    /// The connection broke (EOF, reset, a failed write) with the response incomplete.
    private func lost(errno code: Int32) {
        guard let call else {
            close()
            return
        }
        if served > 0 && received == 0 && call.request.isIdempotent && !call.resent {
            // A kept-alive connection the server closed as we reused it: nothing was answered,
            // so a read goes out once more (RFC 9112 §9.3.1). Queued first, before this
            // connection's slot frees, so the slot is its and no later call's.
            call.resent = true
            self.call = nil
            call.connection = nil
            pool.resend(call)
            close()
            return
        }
        let reason: String
        switch code {
        case 0: reason = received == 0 ? "connection closed with no response" : "connection closed before the response ended"
        case ECONNRESET: reason = "connection reset"
        case EPIPE: reason = "connection closed while sending"
        default: reason = String(cString: strerror(code))
        }
        fail(.connectionLost("\(pool.client.hostField): \(reason)"))
    }

    private func complete(body: [UInt8], leftover: Int, reusable: Bool = true) {
        guard let call, let head else { return }
        var response = HTTPClientResponse(status: head.status, headers: head.fields, body: body)
        // The answer's bytes stay counted while the caller holds it (until it is decoded).
        if budgeted > 0, let budget = pool.client.configuration.answerBudget {
            response.lease = budget.lease(budgeted)
            budgeted = 0
        }
        self.call = nil
        call.connection = nil
        self.head = nil
        headScanned = 0
        input.removeAll(keepingCapacity: input.capacity <= 256 * 1024)
        bodyOffset = 0
        received = 0
        interimResponses = 0
        served += 1
        // Bytes past the response were never asked for: the next response could not be trusted.
        let reuse = reusable && head.keepAlive && leftover == 0 && written == output.count
        // The request is done with: an idle pooled connection holds none of its bytes.
        output = []
        written = 0
        if reuse {
            pool.connectionFree(self)
        } else {
            close()
        }
        loop.finishClientCall(call, .success(response))
    }

    private func fail(_ error: HTTPClientError) {
        let call = self.call
        self.call = nil
        call?.connection = nil
        close()
        if let call { loop.finishClientCall(call, .failure(error)) }
    }

    // MARK: - Closing

    func close() {
        guard state != .closed else { return }
        releaseBudgeted()
        state = .closed
        loop.selector.remove(socket.fd)
        socket.close()
        loop.releaseClientConnection(self)
        pool.connectionClosed(self)
    }

    private func releaseBudgeted() {
        guard budgeted > 0 else { return }
        pool.client.configuration.answerBudget?.release(budgeted)
        budgeted = 0
    }

    private func setInterest(_ events: UInt32) {
        guard events != interest, state != .closed else { return }
        interest = events
        loop.selector.modify(socket.fd, events: events, id: registration)
    }
}

import CSystem
import HTTP

extension Connection {
    /// The most a body is given room for before its bytes arrive; beyond it the buffer grows
    /// as they do.
    static let bodyReserve = 64 * 1024

    /// Whether this connection's next request must wait for its output to drain: it holds more
    /// than `maxPendingOutput` unsent bytes, or any while the loop's connections together hold
    /// more than `maxLoopPendingOutput`, so clients that do not read cannot together make the
    /// server hold more than that (a connection with nothing unsent still gets one answer), or
    /// any while the kernel takes no more of it (waiting for EPOLLOUT under the write timer): a
    /// client that does not read gains nothing by sending more, and a request taken in then
    /// would replace that timer with its own, so one small request in each write timeout would
    /// keep a stalled connection forever. Each connection held back has output, so its own drain
    /// resumes it.
    var hasTooMuchOutput: Bool {
        output.count > 0 && (interest & CS_EPOLLOUT != 0 || output.count > loop.configuration.maxPendingOutput
            || loop.pendingOutput > loop.configuration.maxLoopPendingOutput)
    }

    /// The socket is readable, or (`peerClosed`) the peer half-closed.
    func handleReadable(peerClosed: Bool = false) {
        if peerClosed { finSeen = true }
        switch phase {
        case .processing where peerClosed && loop.now >= departureFrom && !pendingHoldsARequest && socket.holdsOnlyEmptyLinesBeforeEnd:
            // The client's FIN, with no request sent before it: it has gone (a timeout that
            // closed its socket, a proxy whose client went). Its handler is cancelled, as when
            // it resets, rather than run on for nobody. Empty lines left in the socket are read
            // first: a socket closed with unread bytes ends with a reset, not a FIN.
            _ = socket.read(into: loop.readBuffer)
            close()
            return
        case .processing where departsOnHalfClose && !finSeen:
            // What came now (an empty line, a pipelined request) waits in the socket, but the
            // reader's FIN behind it is still watched for: it says whether the client has gone.
            watchOnlyForHangUp()
            return
        case .processing, .closing:
            // Not wanted now; stop the level-triggered wake-ups until the response is out.
            setReading(false)
            return
        case .lingering:
            drainLingering()
            return
        case .closed:
            return
        case .idle, .head, .body:
            break
        }
        // Pipelined requests wait (in `pending`, then in the kernel) until the output drains;
        // `continueAfterResponse` reads again. Reading now could meet the client's FIN and
        // close the connection with those requests unanswered.
        if awaitingDrain || hasTooMuchOutput || awaitsBodyRoom {
            setReading(false)
            return
        }
        switch socket.read(into: loop.readBuffer) {
        case .bytes(let n):
            received(UnsafeRawBufferPointer(rebasing: loop.readBuffer[0..<n]))
        case .endOfFile:
            endOfInput()
        case .wouldBlock:
            return
        case .failed:
            close()
        }
    }

    /// A new request's first byte arrived on a connection with nothing in progress.
    private func beginHead() {
        phase = .head
        requestStartedAt = loop.now
        loop.setTimer(self, .header)
    }

    private func received(_ bytes: UnsafeRawBufferPointer) {
        if phase == .idle {
            // Empty lines while idle begin no request (RFC 9112 §2.2): kept for the parser, with
            // the idle timer left running, so that sending them cannot hold the connection open.
            // Past the parser's allowance the next request's parse refuses them.
            if pending.count - pendingStart + bytes.count <= RequestHeadParser.maxEmptyLineBytes, !Self.holdsMoreThanEmptyLines(bytes) {
                pending.append(contentsOf: bytes)
                return
            }
            beginHead()
        } else if phase == .head, pending.isEmpty, parser.hasNotBegunARequest {
            requestStartedAt = loop.now  // a connection's first request: from its first byte, not the accept
        }
        if pending.isEmpty {
            let used = consume(bytes)
            if used < bytes.count, phase != .closing, phase != .closed {
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[used...]))
            }
        } else {
            pending.append(contentsOf: bytes)
            consumePending()
        }
    }

    /// Empty lines after a response (RFC 9112 §2.2: some clients end a body with one more CRLF)
    /// begin no request: the connection stays idle, under the idle timer, not the header timer
    /// (which would close a kept-alive connection early, and keep a drain waiting for it). The
    /// parser keeps them, counted against its limit of empty lines, with the bytes in `pending`.
    /// A connection yet to send its first request stays under the header timer from its accept.
    private func stayIdleUnlessARequestBegan() {
        guard phase == .head, requestCount > 0, parser.hasNotBegunARequest else { return }
        phase = .idle
        setIdleTimer()
    }

    /// Parses what `pending` holds, as far as the state allows.
    func consumePending() {
        guard !pending.isEmpty, !consuming else { return }
        consuming = true
        let start = pendingStart
        let used = pending.withUnsafeBytes { consume(UnsafeRawBufferPointer(rebasing: $0[start...])) }
        consuming = false
        if phase == .closing || phase == .closed || start + used == pending.count {
            pending = []
            pendingStart = 0
        } else {
            pendingStart = start + used
            // Each byte is moved down about once, however many requests the burst holds.
            if pendingStart > pending.count / 2 {
                pending.removeFirst(pendingStart)
                pendingStart = 0
            }
        }
    }

    /// Feeds bytes to the parser or the body; returns how many belong to finished work. Bytes of
    /// a partial head are not consumed: the parser needs them contiguous from the message start.
    private func consume(_ buffer: UnsafeRawBufferPointer) -> Int {
        var offset = 0
        while offset < buffer.count {
            let rest = UnsafeRawBufferPointer(rebasing: buffer[offset...])
            switch phase {
            case .idle, .head:
                if phase == .idle { beginHead() }
                let parsed: RequestHead?
                do {
                    parsed = try parser.parse(rest)
                } catch {
                    let method = parser.methodRead
                    if let head = parser.refusedHead {
                        // A whole head refused for its body's length: answered and logged as its request.
                        currentHead = head
                        storage = Array(rest[0..<head.length])
                    }
                    parser.reset()
                    refuse(ServerRefusal(error), methodRead: method)
                    return buffer.count
                }
                guard let head = parsed else {
                    stayIdleUnlessARequestBegan()
                    return offset
                }
                offset += head.length
                begin(head, headBytes: UnsafeRawBufferPointer(rebasing: rest[0..<head.length]),
                      moreBytesFollow: offset < buffer.count)
            case .body:
                if awaitsBodyRoom { return offset }  // kept in `pending` until the body has room
                if chunkDecoder != nil {
                    var input = rest
                    if bodyReservation == 0 {
                        let decoded = chunkDecoder!.decodedLength
                        if decoded > Self.bodyReserve {
                            guard loop.reserveBodyRoom(loop.configuration.limits.maxBodyLength, for: self) else {
                                setReading(false)
                                return offset
                            }
                        } else {
                            // No further than just past 64 KiB of data (framing only shortens
                            // it), so the room is asked for before more is taken in.
                            input = UnsafeRawBufferPointer(rebasing: rest.prefix(Self.bodyReserve + 1 - decoded))
                        }
                    }
                    do {
                        offset += try chunkDecoder!.decode(input, into: &storage)
                    } catch {
                        refuse(ServerRefusal(error))
                        return buffer.count
                    }
                    if chunkDecoder!.isComplete { finishBody() }
                } else {
                    let take = min(bodyRemaining, rest.count)
                    // Past the first reservation room grows with what arrives (doubling, as an
                    // array does), but never past the rest of the body announced.
                    if storage.count + take > storage.capacity {
                        storage.reserveCapacity(storage.count + min(bodyRemaining, max(storage.capacity, take)))
                    }
                    storage.append(contentsOf: UnsafeRawBufferPointer(rebasing: rest[0..<take]))
                    offset += take
                    bodyRemaining -= take
                    if bodyRemaining == 0 { finishBody() }
                }
            case .processing, .closing, .lingering, .closed:
                return offset
            }
        }
        return offset
    }

    private func begin(_ head: RequestHead, headBytes: UnsafeRawBufferPointer, moreBytesFollow: Bool) {
        // After a CONNECT the client may send its tunnel's bytes (RFC 9110 §9.3.6), which are no
        // request: whatever the answer, the connection ends with it.
        keepAlive = head.keepAlive && head.method != .connect
        isHeadRequest = head.method == .head
        isHTTP10 = !head.version.isHTTP11OrLater
        switch head.framing {
        case .none:
            storage = Array(headBytes)
            dispatch(head, bodyRange: head.length..<head.length)
        case .length(let length):
            storage = []
            // Memory follows the bytes that arrive, not the length announced: a head alone
            // must not make the loop reserve the whole body limit for each of its connections.
            storage.reserveCapacity(head.length + min(length, Self.bodyReserve))
            storage.append(contentsOf: headBytes)
            bodyRemaining = length
            startBody(head, moreBytesFollow: moreBytesFollow)
        case .chunked:
            storage = []
            storage.reserveCapacity(head.length + 4096)
            storage.append(contentsOf: headBytes)
            chunkDecoder = ChunkedBodyDecoder(limits: loop.configuration.limits)
            startBody(head, moreBytesFollow: moreBytesFollow)
        }
    }

    private func startBody(_ head: RequestHead, moreBytesFollow: Bool) {
        currentHead = head
        phase = .body
        loop.setTimer(self, .body)
        continueOnAdmission = head.expectsContinue && !moreBytesFollow
        // A client waiting for 100 Continue is answered at once when its head decides the answer.
        if continueOnAdmission, let request = requestSoFar(),
           let answer = loop.responder.answerBeforeBody(request, context: nextContext()) {
            fail(with: answer)
            return
        }
        // A body no larger than the room every body is given up front is always taken: one that
        // waited would hold as much in `pending`, and small writes must not queue behind uploads.
        // A chunked body, whose size nobody knows yet, starts so too and asks for room for the
        // largest body once it grows past that (`consume`).
        let announced = chunkDecoder != nil ? 0 : bodyRemaining
        if announced <= Self.bodyReserve || loop.reserveBodyRoom(announced, for: self) {
            sendContinueIfAsked()
        } else {
            setReading(false)
        }
    }

    private func finishBody() {
        let head = currentHead!
        currentHead = nil
        chunkDecoder = nil
        loop.releaseBodyRoom(of: self)
        dispatch(head, bodyRange: head.length..<storage.count)
    }

    /// After a response on a connection that stays open: the next pipelined request, or idle.
    func continueAfterResponse() {
        guard phase == .idle else { return }
        if hasTooMuchOutput {
            awaitingDrain = true  // resumed by flush() once the client reads
            return
        }
        if !pending.isEmpty {
            beginHead()
            consumePending()
        }
        if phase == .idle {
            if inputClosed {
                phase = .closing
                loop.markDirty(self)
            } else if loop.isDraining {
                closeUnlessARequestWaits()
            } else {
                setIdleTimer()
                setReading(true)
            }
        } else if phase == .head || phase == .body {
            if inputClosed {
                // A partial request that can never complete; what is queued still goes out.
                abandonBody()
                pending = []
                pendingStart = 0
                loop.cancelTimer(self)
                if output.isEmpty {
                    close()
                } else {
                    phase = .closing
                    loop.markDirty(self)
                }
            } else if !awaitsBodyRoom {
                setReading(true)
            }
        }
    }

    /// A connection with nothing in progress may still have a request in its socket that the
    /// loop has not read yet: the client sent it before the drain and expects an answer. Read
    /// it (it is then answered with `Connection: close`); close the connection if there is none.
    func closeUnlessARequestWaits() {
        keepAlive = false
        handleReadable()
        let nothingStarted = phase == .idle || (phase == .head && parser.hasNotBegunARequest && !pendingHoldsARequest)
        guard nothingStarted else { return }
        if output.isEmpty {
            close()
        } else {
            // A response is still going out: look again once it is sent (`afterDrained`).
            phase = .idle
        }
    }

    /// Moves what the socket holds into `pending` without parsing it, while a handler runs (the
    /// parser's state belongs to the request in progress until its response is out).
    func readWaitingInput() {
        while pending.count - pendingStart < loop.configuration.maxPendingOutput {
            switch socket.read(into: loop.readBuffer) {
            case .bytes(let n):
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: loop.readBuffer[0..<n]))
                if n < loop.readBuffer.count { return }
            case .endOfFile:
                inputClosed = true
                setReading(false)
                return
            case .wouldBlock, .failed:
                return
            }
        }
    }

    /// The peer will send nothing more.
    private func endOfInput() {
        inputClosed = true
        setReading(false)
        abandonBody()
        switch phase {
        case .idle, .head, .body:
            if output.isEmpty {
                close()
            } else {
                phase = .closing
            }
        case .lingering:
            close()
        case .processing, .closing, .closed:
            break
        }
    }

    /// Whether the response is out and shut, and the connection reads what the client still
    /// sends until it closes its side (or the linger timer ends it).
    var isLingering: Bool { phase == .lingering }

    /// Reads and drops what a lingering client sends: at most `lingerReadsPerWakeup` buffers a
    /// wake-up, so a client that streams a refused body as fast as the loop reads cannot hold
    /// the loop (its other connections, and the linger timer that ends this one); epoll reports
    /// the rest on the next turn.
    private func drainLingering() {
        for _ in 0..<Self.lingerReadsPerWakeup {
            switch socket.read(into: loop.readBuffer) {
            case .bytes(let n) where n == loop.readBuffer.count:
                continue
            case .bytes, .wouldBlock:
                return
            case .endOfFile, .failed:
                close()
                return
            }
        }
    }

    /// Buffers a lingering connection reads a wake-up at most (64 KiB each).
    static let lingerReadsPerWakeup = 16

    func setReading(_ on: Bool) {
        let wanted = on ? (interest | Self.readEvents) : (interest & ~Self.readEvents)
        guard wanted != interest, phase != .closed else { return }
        interest = wanted
        loop.selector.modify(socket.fd, events: wanted, id: registration)
    }

    /// Stops the wake-ups for bytes to read, keeping the one for the peer's FIN (EPOLLRDHUP,
    /// reported once the peer shuts its side): the FIN is then seen with the bytes left unread.
    /// Once the FIN is seen, `setReading(false)` drops it too, or its level would wake the loop
    /// again and again.
    func watchOnlyForHangUp() {
        let wanted = (interest & ~CS_EPOLLIN) | CS_EPOLLRDHUP
        guard wanted != interest, phase != .closed else { return }
        interest = wanted
        loop.selector.modify(socket.fd, events: wanted, id: registration)
    }

    func setWriting(_ on: Bool) {
        let wanted = on ? (interest | CS_EPOLLOUT) : (interest & ~CS_EPOLLOUT)
        guard wanted != interest, phase != .closed else { return }
        interest = wanted
        loop.selector.modify(socket.fd, events: wanted, id: registration)
    }
}

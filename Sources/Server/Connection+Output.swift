import HTTP

extension Connection {
    /// Sends what is queued. On a full kernel buffer, waits for EPOLLOUT under the write timer.
    func flush() {
        guard phase != .closed else { return }
        guard !output.isEmpty else {
            afterDrained()
            return
        }
        switch output.write(to: socket) {
        case .drained:
            setWriting(false)
            if writeTimerArmed {
                loop.cancelWriteTimer(self)
                // The idle timer waited for the output to be out.
                if phase == .idle, !awaitingDrain { setIdleTimer() }
            }
            afterDrained()
        case .blocked(let progress):
            setWriting(true)
            if progress || !writeTimerArmed {
                loop.setWriteTimer(self)
                unacknowledgedAtWriteTimer = socket.unacknowledgedBytes ?? 0
            }
            // A connection waiting on its client's reads is not idle, and a pipelined request's
            // head or body is not read meanwhile (reading waits for the output): the write timer
            // alone bounds the wait, which is the server's output, not the client's request, and
            // the request's deadline starts again when reading does (`afterDrained`), as a body
            // that waited for room has its deadline again when it is taken.
            if timerKind == .idle || timerKind == .header || timerKind == .body { loop.cancelTimer(self) }
        case .failed:
            close()
        }
    }

    private func afterDrained() {
        switch phase {
        case .closing:
            socket.shutdownWrite()
            if inputClosed {
                close()
            } else {
                phase = .lingering
                loop.setTimer(self, .linger)
                setReading(true)
            }
        case .idle where awaitingDrain:
            awaitingDrain = false
            continueAfterResponse()
        case .idle where loop.isDraining && !pendingHoldsARequest:
            closeUnlessARequestWaits()
        case .head, .body:
            // Its deadline was set aside while the output was blocked (`flush`).
            if timerKind == nil { loop.setTimer(self, phase == .head ? .header : .body) }
            if !inputClosed { setReading(true) }
        case .idle:
            if !inputClosed { setReading(true) }
        default:
            break
        }
    }
}

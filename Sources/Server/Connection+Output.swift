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
            if timerKind == .write { loop.cancelTimer(self) }
            setWriting(false)
            afterDrained()
        case .blocked(let progress):
            setWriting(true)
            if progress || timerKind != .write { loop.setTimer(self, .write) }
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
        case .idle, .head, .body:
            if !inputClosed { setReading(true) }
        default:
            break
        }
    }
}

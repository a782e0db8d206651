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
            if timerKind == .write {
                // The write timer replaced whatever timer the phase had; put that one back, or an
                // idle connection (or a half-received request) would never time out.
                loop.cancelTimer(self)
                restorePhaseTimer()
            }
            afterDrained()
        case .blocked(let progress):
            setWriting(true)
            if progress || timerKind != .write {
                loop.setTimer(self, .write)
                unacknowledgedAtWriteTimer = socket.unacknowledgedBytes ?? 0
            }
        case .failed:
            close()
        }
    }

    private func restorePhaseTimer() {
        switch phase {
        case .idle where !awaitingDrain: loop.setTimer(self, .idle)
        case .head: loop.setTimer(self, .header)
        case .body: loop.setTimer(self, .body)
        default: break  // processing has none; closing and awaitingDrain set theirs in afterDrained
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
        case .idle, .head, .body:
            if !inputClosed { setReading(true) }
        default:
            break
        }
    }
}

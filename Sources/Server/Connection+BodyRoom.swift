import HTTP

extension Connection {
    /// Whether the body being received waits for room on the loop (`EventLoop+BodyRoom`).
    var awaitsBodyRoom: Bool { bodyRoomWanted > 0 }

    /// The loop found room for the body that waited: read it, from what is already here on,
    /// with the whole body timeout ahead of it (the wait was the server's, not the client's);
    /// while an answer ahead of it still waits for its client, from when that answer is out.
    func bodyAdmitted() {
        guard phase == .body else { return }
        if !writeTimerArmed { loop.setTimer(self, .body) }
        sendContinueIfAsked()
        setReading(true)
        consumePending()
    }

    /// `100 Continue` for a request that asked for it, once its body has room (RFC 9110
    /// §10.1.1: pointless once body bytes are arriving, so only when none came with the head).
    func sendContinueIfAsked() {
        guard continueOnAdmission else { return }
        continueOnAdmission = false
        output.appendOwned { $0.append(contentsOf: ResponseHeadWriter.continueResponse) }
        loop.markDirty(self)
    }
}

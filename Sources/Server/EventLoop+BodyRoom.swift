/// Room for request bodies on one loop (`ServerConfiguration.maxLoopBodyBytes`). A body takes
/// the room it announces when its head is read (a chunked one, the largest body allowed, once
/// it has grown past 64 KiB); one that does not fit waits, unread (the
/// kernel holds its bytes and the client's window closes), until earlier bodies are complete,
/// refused or abandoned. Waiters are admitted in arrival order, and an empty loop always admits
/// the next one, so a body larger than the whole room still goes through alone. Bodies of up to
/// 64 KiB (`Connection.bodyReserve`) never ask: a waiting one would hold as much, unparsed.
extension EventLoop {
    /// Takes `bytes` of room for `connection`'s body, or queues it: false when it must wait.
    func reserveBodyRoom(_ bytes: Int, for connection: Connection) -> Bool {
        if firstBodyWaiter < 0, fitsBody(bytes) {
            bodyBytesReserved += bytes
            connection.bodyReservation = bytes
            return true
        }
        connection.bodyRoomWanted = max(1, bytes)
        connection.bodyWaiterPrev = lastBodyWaiter
        connection.bodyWaiterNext = -1
        if lastBodyWaiter >= 0 { connections[Int(lastBodyWaiter)]!.bodyWaiterNext = connection.slot } else { firstBodyWaiter = connection.slot }
        lastBodyWaiter = connection.slot
        return false
    }

    /// Gives back what `connection` held or stops its wait, then admits waiters that now fit.
    func releaseBodyRoom(of connection: Connection) {
        if connection.bodyReservation > 0 {
            bodyBytesReserved -= connection.bodyReservation
            connection.bodyReservation = 0
        }
        if connection.bodyRoomWanted > 0 {
            connection.bodyRoomWanted = 0
            unlinkBodyWaiter(connection)
        }
        admitBodyWaiters()
    }

    /// Takes `connection` out of the waiters' list, wherever it is in it: O(1), so thousands of
    /// waiters going at once (a drain, clients giving up together) cost no more than their count.
    private func unlinkBodyWaiter(_ connection: Connection) {
        let prev = connection.bodyWaiterPrev, next = connection.bodyWaiterNext
        if prev >= 0 { connections[Int(prev)]!.bodyWaiterNext = next } else { firstBodyWaiter = next }
        if next >= 0 { connections[Int(next)]!.bodyWaiterPrev = prev } else { lastBodyWaiter = prev }
        connection.bodyWaiterPrev = -1
        connection.bodyWaiterNext = -1
    }

    private func fitsBody(_ bytes: Int) -> Bool {
        bodyBytesReserved == 0 || bodyBytesReserved + bytes <= configuration.maxLoopBodyBytes
    }

    private func admitBodyWaiters() {
        guard !admittingBodies else { return }
        admittingBodies = true
        defer { admittingBodies = false }
        while firstBodyWaiter >= 0, let next = connections[Int(firstBodyWaiter)], fitsBody(next.bodyRoomWanted) {
            unlinkBodyWaiter(next)
            bodyBytesReserved += next.bodyRoomWanted
            next.bodyReservation = next.bodyRoomWanted
            next.bodyRoomWanted = 0
            next.bodyAdmitted()
        }
    }
}

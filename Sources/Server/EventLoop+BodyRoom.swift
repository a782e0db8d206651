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
        if bodyWaiters.isEmpty, fitsBody(bytes) {
            bodyBytesReserved += bytes
            connection.bodyReservation = bytes
            return true
        }
        connection.bodyRoomWanted = max(1, bytes)
        bodyWaiters.append(connection)
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
            bodyWaiters.removeAll { $0 === connection }
        }
        admitBodyWaiters()
    }

    private func fitsBody(_ bytes: Int) -> Bool {
        bodyBytesReserved == 0 || bodyBytesReserved + bytes <= configuration.maxLoopBodyBytes
    }

    private func admitBodyWaiters() {
        guard !admittingBodies else { return }
        admittingBodies = true
        defer { admittingBodies = false }
        while let next = bodyWaiters.first, fitsBody(next.bodyRoomWanted) {
            bodyWaiters.removeFirst()
            bodyBytesReserved += next.bodyRoomWanted
            next.bodyReservation = next.bodyRoomWanted
            next.bodyRoomWanted = 0
            next.bodyAdmitted()
        }
    }
}

extension EventLoop {
    /// Arms `connection`'s write timer afresh: its output waits for the client. It stands in for
    /// the phase's timer while a response waits (a pipelined request's head or body, unread
    /// meanwhile, has its deadline again once the output is out), in one list ordered by
    /// deadline by appending, as the phase timers are.
    func setWriteTimer(_ connection: Connection) {
        cancelWriteTimer(connection)
        connection.writeTimerArmed = true
        connection.writeDeadline = now &+ writeTimeout
        connection.writeTimerPrev = writeTimerTail
        connection.writeTimerNext = -1
        if writeTimerTail >= 0 {
            connections[Int(writeTimerTail)]!.writeTimerNext = connection.slot
        } else {
            writeTimerHead = connection.slot
        }
        writeTimerTail = connection.slot
    }

    func cancelWriteTimer(_ connection: Connection) {
        guard connection.writeTimerArmed else { return }
        let prev = connection.writeTimerPrev, next = connection.writeTimerNext
        if prev >= 0 { connections[Int(prev)]!.writeTimerNext = next } else { writeTimerHead = next }
        if next >= 0 { connections[Int(next)]!.writeTimerPrev = prev } else { writeTimerTail = prev }
        connection.writeTimerArmed = false
        connection.writeTimerPrev = -1
        connection.writeTimerNext = -1
    }

    func expireWriteTimers() {
        while writeTimerHead >= 0, let connection = connections[Int(writeTimerHead)], connection.writeDeadline <= now {
            cancelWriteTimer(connection)
            connection.writeTimerExpired()
        }
    }
}

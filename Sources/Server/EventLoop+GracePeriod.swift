extension EventLoop {
    /// The end of the grace period: requests still running are cut short, not dropped. Their
    /// handlers are cancelled (and the loop's upstream calls ended, so a handler waiting on one
    /// answers at once, with the 504 of a cancelled call) and their connections kept open for
    /// `lastWordsNanoseconds`, so the answer reaches a client still waiting, with
    /// `Connection: close`; every other connection closes. After that, everything closes.
    func enforceGracePeriod() {
        guard let force = forceCloseAt, force <= now else { return }
        guard let until = lastWordsUntil else {
            lastWordsUntil = now &+ Self.lastWordsNanoseconds
            cutRunningRequests()
            return
        }
        if until <= now { closeAll() }
    }

    private func cutRunningRequests() {
        admittingBodies = true
        for case let connection? in connections {
            if connection.phase == .processing, let task = connection.task {
                connection.keepAlive = false
                task.cancel()
            } else {
                connection.close()
            }
        }
        admittingBodies = false
        closeClients()
    }

    /// Whether the request running on connection `connectionID` of this loop was cut short by
    /// the end of a drain's grace period and its answer is still to be sent. Once the period is
    /// over, a connection still processing is one whose handler the cut cancelled: every other
    /// was closed then, and none takes a new request.
    func answersCutRequest(onConnection connectionID: UInt64) -> Bool {
        guard lastWordsUntil != nil else { return false }
        for case let connection? in connections where connection.connectionID == connectionID {
            return connection.phase == .processing
        }
        return false
    }

    func closeAll() {
        // Nothing is admitted while everything closes: a waiting body would be read and
        // dispatched only to be closed a moment later.
        admittingBodies = true
        for case let connection? in connections { connection.close() }
        admittingBodies = false
    }
}

extension RequestContext {
    /// Whether the drain's grace period ran out while this request was being handled, and its
    /// answer still goes to the client (with `Connection: close`). Its task is cancelled then, as
    /// when the client goes away, but unlike that case what the handler returns is sent: a log
    /// line or a metric should show its status, not a client that left. Known on the loop thread
    /// that serves the request, where a handler resumes after an `await`; false anywhere else.
    public var isCutShortByDrain: Bool {
        guard let loop = EventLoop.onThisThread, loop.index == loopIndex else { return false }
        return loop.answersCutRequest(onConnection: connectionID)
    }
}

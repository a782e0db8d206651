/// Why an `HTTPClient` call got no response. Which case it is decides whether a write may be
/// sent again: only `connectFailed`, `connectTimedOut`, `notSent`, `cancelledUnsent` and
/// `invalidRequest` guarantee nothing reached the server.
public enum HTTPClientError: Error, Sendable, Equatable {
    /// No connection could be made (refused, unreachable, name not found): nothing was sent.
    /// The reason does not repeat the host: the caller knows which one it asked.
    case connectFailed(String)
    /// The gateway could not make a connection for reasons of its own: no file descriptor or
    /// ephemeral port left, no memory, the epoll set or the client loop failing. Nothing was
    /// sent, and the host is not at fault, so this must not count against it.
    case localFailure(String)
    /// The call's time ran out while its connection was still being made (the host took no
    /// connection: a full backlog, a filtered port): nothing was sent.
    case connectTimedOut
    /// The connection broke, or the server answered something that is not HTTP/1.x, after the
    /// request was (perhaps) sent.
    case connectionLost(String)
    /// The response's body is longer than the client accepts.
    case responseTooLarge(limit: Int)
    /// The answers being received at once (this one's bytes so far with all the others') passed
    /// the configuration's `answerBudget`: this one is dropped, after the request was (perhaps)
    /// sent. Not the server's doing; it may go again once others are done.
    case overBudget(limit: Int)
    /// The server answered, in a form the client cannot read: a content coding it did not ask
    /// for (with the answer's `status`), or a head HTTP/1.1 does not allow (conflicting lengths,
    /// an unknown transfer coding, a head too large: no status then). It answered, and asking
    /// again would bring the same.
    case unreadableResponse(status: Int?, String)
    /// The request cannot be written as HTTP/1.1 (a line break in a field value, a method that is
    /// not a token): nothing was sent. The message never quotes the offending value.
    case invalidRequest(String)
    /// No complete response within the call's timeout, the request (perhaps) sent. A call that
    /// was still waiting for a connection then ends `notSent` instead.
    case timedOut
    /// The call ended before its request was written: no connection came free within its time
    /// (it waited in the pool's queue, or for the host's name), or a write had too little time
    /// left once one came free. Nothing reached the server. (A connection still being made when
    /// the time runs out is `connectTimedOut`.)
    case notSent(String)
    /// The loop serving the call shut down before the call went out (it waited for a connection,
    /// or came after): nothing reached the server, and no loop is left to send it.
    case shutDown
    /// The calling task was cancelled, or the loop serving the call shut down once the call
    /// may have been sent.
    case cancelled
    /// The calling task was cancelled before the request was written (before the call started,
    /// while it waited for a connection, or while its connection was still being made): nothing
    /// reached the server.
    case cancelledUnsent
}

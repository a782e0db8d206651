/// A request that got no HTTP response. Which case it is decides whether a write may be retried:
/// only a request that was certainly never received (`connectionRefused`, `localFailure`,
/// `connectTimedOut`, `notSent`, `cancelledUnsent`, `shutDown`, `unsendable`) is safe to send again.
public enum UpstreamTransportError: Error, Sendable, Equatable {
    /// The connection could not be made (refused, DNS failure, unreachable): nothing was sent.
    case connectionRefused(String)
    /// The gateway could not make a connection for reasons of its own (no descriptor, port or
    /// memory left): nothing was sent, and the host is not at fault.
    case localFailure(String)
    /// The attempt's time ran out while the connection was still being made: nothing was sent,
    /// and the host did not answer in time.
    case connectTimedOut
    /// The connection broke after the request was (perhaps) sent: the upstream may have applied it.
    case connectionLost(String)
    /// No complete response within the attempt's timeout.
    case timedOut
    /// The attempt's time ran out before the request was written (the client's connections were
    /// all busy, or URLSession's task was not started yet): nothing was sent.
    case notSent(String)
    /// The request could not be put on the wire as it is (a header value with a line break):
    /// nothing was sent, and sending it again would fail the same way. Not the host's failure.
    case unsendable(String)
    /// An answer came that is too large to take in: the host answered (it is not its failure),
    /// and asking again would bring the same.
    case responseTooLarge(limit: Int)
    /// The answers being received at once passed the gateway's ceiling on them (`limit` bytes in
    /// all): this one was dropped after the request was (perhaps) sent. Not the host's failure;
    /// asked again once others are done, it may come through.
    case overBudget(limit: Int)
    /// An answer in a form the client cannot read (a content coding it did not ask for, with its
    /// `status`; a head HTTP/1.1 does not allow, with none): the host answered, and asking again
    /// would bring the same.
    case unreadableResponse(status: Int?, String)
    /// The caller's task was cancelled; the request was abandoned, perhaps sent.
    case cancelled
    /// The caller's task was cancelled before the request was written: nothing reached the host.
    case cancelledUnsent
    /// The gateway is shutting down and sent nothing: a write did not go out, and nothing is
    /// tried again.
    case shutDown
}

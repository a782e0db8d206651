/// One `HTTPClient` call on a loop: waiting for a connection, or on one. Touched only on the
/// loop's thread (`HTTPClient` wraps it in `LoopBound` before handing it over). It ends exactly
/// once, by `EventLoop.finishClientCall`: with the response, a failure, its timeout or a
/// cancellation, whichever comes first.
final class ClientCall {
    typealias Result = Swift.Result<HTTPClientResponse, HTTPClientError>

    let request: HTTPClientRequest
    /// The request as it goes on the wire.
    let encoded: [UInt8]
    let client: HTTPClient
    let timeout: UInt64
    /// Monotonic nanoseconds; set when the loop takes the call.
    var deadline: UInt64 = 0
    /// Unchecked: `finishClientCall` takes it out before resuming it, so it is resumed at most
    /// once, and every call is finished (by its answer, failure, timeout or cancellation, and
    /// by `closeClients` when the loop stops; one that comes later is refused as cancelled by
    /// `startClientCall`), so it is resumed at least once. The checked kind allocated a canary
    /// per call and resumed through an atomic exchange.
    var continuation: UnsafeContinuation<Result, Never>?
    /// The loop that took the call; nil before and after.
    var loop: EventLoop?
    /// The connection writing it or reading its response; nil while waiting for one.
    var connection: ClientConnection?
    /// Cancelled before the loop took it: the loop answers at once.
    var cancelledEarly = false
    var isFinished = false
    /// Already sent once on a kept-alive connection that turned out closed.
    var resent = false
    /// Had to wait in the pool's queue: for a connection to come free, room to open one, or
    /// the host's name.
    var queued = false
    /// Position in the loop's list of calls with a deadline.
    var listIndex = -1

    init(request: HTTPClientRequest, encoded: [UInt8], client: HTTPClient, timeout: UInt64) {
        self.request = request
        self.encoded = encoded
        self.client = client
        self.timeout = timeout
    }

    func cancel() {
        if let loop {
            // Not yet written (waiting for a connection, or on one still being made, and never
            // sent before): a write's caller must know it did not go out.
            let unsent = !resent && (connection == nil || connection?.state == .connecting)
            loop.finishClientCall(self, .failure(unsent ? .cancelledUnsent : .cancelled))
        } else if !isFinished {
            cancelledEarly = true
        }
    }
}

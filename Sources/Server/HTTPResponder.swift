import HTTP

/// What the server calls for every complete request. The task it runs in prefers the
/// connection's loop as executor, so code that does not suspend stays on the loop thread.
/// A thrown error becomes a 500 problem response without details; handlers that want a
/// particular status return it instead.
public protocol HTTPResponder: Sendable {
    /// The response to `request`. A connection runs one call at a time and reads nothing more
    /// until it returns, so pipelined requests are answered in order. Throwing `ConnectionAbort`
    /// resets the connection; any other error is answered with `refusal(_:request:context:)` for a 500.
    func respond(to request: HTTPRequest, context: RequestContext) async throws -> HTTPResponse

    /// The response to a request the server refuses by itself (see `ServerRefusal`). `request`
    /// is what was read of it when its head was (the head, with an empty body: a body too slow,
    /// malformed, or announced over the limit), or the whole request for the 500 that stands in
    /// for a `respond` that threw; nil when the head itself was refused. Called on the loop
    /// thread, so it must not block or suspend; the connection closes after it, except after
    /// that 500. The default is a plain problem+json document.
    func refusal(_ refusal: ServerRefusal, request: HTTPRequest?, context: RequestContext) -> HTTPResponse

    /// A request whose head arrived but whose client closed the connection (or whose connection
    /// broke) before the rest of its body: it is never handled and nothing can be answered.
    /// `request` is its head with an empty body. Lets the responder account for it as a request
    /// the client gave up on. Called on the loop thread, so it must not block or suspend. The
    /// default does nothing.
    func abandoned(_ request: HTTPRequest, context: RequestContext)

    /// A final answer for a request whose client waits for `100 Continue` before it sends its
    /// body (RFC 9110 §10.1.1), from its head alone (`request` has an empty body): one the body
    /// could not change, so that the client does not upload it for nothing. Nil lets the body
    /// come. Called on the loop thread, so it must not block or suspend; the connection closes
    /// after the answer, reading and dropping whatever the client sends anyway. The default is nil.
    func answerBeforeBody(_ request: HTTPRequest, context: RequestContext) -> HTTPResponse?

    /// Whether a client that shuts its sending side (a FIN, with nothing sent before it) while
    /// `request` is handled is taken to have left, as nginx takes it: the handler is cancelled
    /// and the connection closed unanswered. This is how a client that gives up usually leaves
    /// (a timeout that closes its socket, a proxy whose own client went), and a read cancelled
    /// then stops costing upstream calls nobody waits for. RFC 9112 §9.6 notes that a half-close
    /// need not mean the client lost interest, so a request whose outcome the client must learn
    /// (a write) should answer false: it runs to its end, and its answer goes out if the client
    /// still reads. A FIN the server saw before it handed `request` over (sent with it, or behind
    /// more requests), or within `ServerConfiguration.halfCloseGrace` after, is a half-close,
    /// whatever this answers: that request is answered.
    /// Called on the loop thread when the request is handed over, so it must be cheap and must not
    /// block. The default is true for the safe methods (RFC 9110 §9.2.1).
    func halfCloseMeansDeparture(_ request: HTTPRequest) -> Bool
}

extension HTTPResponder {
    /// The plain problem+json answer of `ProblemResponse.make(for:)`: status, code and detail of
    /// the refusal, nothing else.
    public func refusal(_ refusal: ServerRefusal, request: HTTPRequest?, context: RequestContext) -> HTTPResponse {
        ProblemResponse.make(for: refusal)
    }

    /// Nothing: a server without an access log has nothing to account for.
    public func abandoned(_ request: HTTPRequest, context: RequestContext) {}

    /// Nil: every body is read before the request is answered.
    public func answerBeforeBody(_ request: HTTPRequest, context: RequestContext) -> HTTPResponse? { nil }

    /// True for GET, HEAD, OPTIONS, TRACE and QUERY, which change nothing: cancelling them loses
    /// nothing but an answer nobody is likely to read.
    public func halfCloseMeansDeparture(_ request: HTTPRequest) -> Bool {
        switch request.method {
        case .get, .head, .options, .trace, .query: true
        default: false
        }
    }
}

import HTTP

/// What the server calls for every complete request. The task it runs in prefers the
/// connection's loop as executor, so code that does not suspend stays on the loop thread.
/// A thrown error becomes a 500 problem response without details; handlers that want a
/// particular status return it instead.
public protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest, context: RequestContext) async throws -> HTTPResponse

    /// The response to a request the server refuses by itself (see `ServerRefusal`). Called on
    /// the loop thread, so it must not block or suspend; the connection closes after it. The
    /// default is a plain problem+json document.
    func refusal(_ refusal: ServerRefusal, context: RequestContext) -> HTTPResponse
}

extension HTTPResponder {
    public func refusal(_ refusal: ServerRefusal, context: RequestContext) -> HTTPResponse {
        ProblemResponse.make(for: refusal)
    }
}

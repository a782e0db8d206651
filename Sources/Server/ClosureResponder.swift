import HTTP

/// A responder made from a closure, for small servers and tests.
public struct ClosureResponder: HTTPResponder {
    private let handler: @Sendable (HTTPRequest, RequestContext) async throws -> HTTPResponse

    /// A responder that answers every request with `handler`; refusals get the default rendering.
    public init(_ handler: @escaping @Sendable (HTTPRequest, RequestContext) async throws -> HTTPResponse) {
        self.handler = handler
    }

    /// Whatever the closure returns or throws; a throw is handled as from any responder.
    public func respond(to request: HTTPRequest, context: RequestContext) async throws -> HTTPResponse {
        try await handler(request, context)
    }
}

import HTTP

/// A responder made from a closure, for small servers and tests.
public struct ClosureResponder: HTTPResponder {
    private let handler: @Sendable (HTTPRequest, RequestContext) async throws -> HTTPResponse

    public init(_ handler: @escaping @Sendable (HTTPRequest, RequestContext) async throws -> HTTPResponse) {
        self.handler = handler
    }

    public func respond(to request: HTTPRequest, context: RequestContext) async throws -> HTTPResponse {
        try await handler(request, context)
    }
}

import HTTP

/// What a route handler or the rest of a middleware chain is: a request and its context in, a
/// response out; errors thrown are rendered as problem documents by `ProblemMiddleware`.
public typealias GatewayHandler = @Sendable (HTTPRequest, GatewayContext) async throws -> HTTPResponse

/// One layer around the router, in the style of Hummingbird: it may answer by itself, change the
/// context, or call `next` and adjust the response.
public protocol Middleware: Sendable {
    func handle(_ request: HTTPRequest, context: GatewayContext, next: GatewayHandler) async throws -> HTTPResponse
}

extension Array where Element == any Middleware {
    /// The chain with the first element outermost, ending in `handler`.
    func wrapping(_ handler: @escaping GatewayHandler) -> GatewayHandler {
        // A loop, not `reduce`: through the generic accumulator each layer's closure was
        // re-abstracted, and every request paid two extra async thunks per layer.
        var chain = handler
        for middleware in reversed() {
            let next = chain
            chain = { request, context in try await middleware.handle(request, context: context, next: next) }
        }
        return chain
    }
}

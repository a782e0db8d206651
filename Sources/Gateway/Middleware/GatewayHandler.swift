import HTTP

/// What a route handler or the rest of a middleware chain is: a request and its context in, a
/// response out; errors thrown are rendered as problem documents by `ProblemMiddleware`.
public typealias GatewayHandler = @Sendable (HTTPRequest, GatewayContext) async throws -> HTTPResponse

import HTTP

/// One layer around the router, in the style of Hummingbird: it may answer by itself, change the
/// context, or call `next` and adjust the response.
public protocol Middleware: Sendable {
    /// Handles `request`: answers it by itself, or calls `next` (the rest of the chain and the
    /// handler) once and returns or adjusts its response. An error thrown here or below is the
    /// problem `ProblemMiddleware` renders; `context` carries what earlier layers learned.
    func handle(_ request: HTTPRequest, context: GatewayContext, next: GatewayHandler) async throws -> HTTPResponse
}

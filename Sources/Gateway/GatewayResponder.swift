import Connectors
import HTTP
import Server

/// The gateway as the server sees it: resolves the route first (so middleware knows whether a
/// tenant is needed and which pattern to log), then runs the middleware chain around the handler.
public struct GatewayResponder: HTTPResponder {
    public let router: Router
    private let chain: GatewayHandler

    /// `middleware` runs outermost first.
    public init(router: Router, middleware: [any Middleware]) {
        self.router = router
        chain = middleware.wrapping { request, context in
            guard let endpoint = context.endpoint else { throw GatewayError.notFound(path: request.path) }
            return try await endpoint(request, context)
        }
    }

    public func respond(to request: HTTPRequest, context connection: RequestContext) async throws -> HTTPResponse {
        let context = GatewayContext(connection: connection)
        return try await respond(to: request, context: context)
    }

    /// Runs a request through routing and the middleware with a context the caller made (tests).
    public func respond(to request: HTTPRequest, context: GatewayContext) async throws -> HTTPResponse {
        switch router.resolve(request.method, path: request.pathBytes) {
        case .handler(let handler, let pattern, let parameters, let access):
            context.route = pattern
            context.parameters = parameters
            context.access = access
            context.endpoint = handler
        case .methodNotAllowed(let allow, let pattern):
            context.route = pattern
            let method = request.method.rawValue
            context.endpoint = { _, _ in throw GatewayError.methodNotAllowed(method: method, allow: allow) }
        case .options(let allow, let pattern):
            context.route = pattern
            context.endpoint = { _, _ in
                HTTPResponse(status: .noContent, headers: HTTPHeaders([("Allow", allow.joined(separator: ", "))]))
            }
        case .notFound:
            let path = request.path
            context.endpoint = { _, _ in throw GatewayError.notFound(path: path) }
        }
        return try await UpstreamCallCounter.$current.withValue(context.upstreamCounter) {
            try await chain(request, context)
        }
    }
}

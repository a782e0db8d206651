import Connectors
import HTTP
import Server

/// The gateway as the server sees it: resolves the route first (so middleware knows whether a
/// tenant is needed and which pattern to log), then runs the middleware chain around the handler.
public struct GatewayResponder: HTTPResponder {
    public let router: Router
    private let chain: GatewayHandler
    private let refusalLog: LogSink?
    private let refusalMetrics: GatewayMetrics?
    private let refusalIDs = RequestIDGenerator()

    /// `middleware` runs outermost first. Requests the server refuses before routing (malformed,
    /// too large, too slow) are logged to `log` and counted in `metrics` when given.
    public init(router: Router, middleware: [any Middleware], log: LogSink? = nil, metrics: GatewayMetrics? = nil) {
        self.router = router
        refusalLog = log
        refusalMetrics = metrics
        chain = middleware.wrapping { request, context in
            guard let endpoint = context.endpoint else { throw GatewayError.notFound(path: request.path) }
            return try await endpoint(request, context)
        }
    }

    public func respond(to request: HTTPRequest, context connection: RequestContext) async throws -> HTTPResponse {
        let context = GatewayContext(connection: connection)
        return try await respond(to: request, context: context)
    }

    /// A refused request gets what every other answer gets: a fresh `X-Request-ID` (the head, and
    /// with it any id the client offered, may not have been readable), the gateway's problem
    /// document with `request_id`, an access-log line and a count in the metrics.
    public func refusal(_ refusal: ServerRefusal, context: RequestContext) -> HTTPResponse {
        let requestID = refusalIDs.next()
        let problem = Problem(status: refusal.status.code, code: refusal.code,
                              title: ProblemResponse.title(code: refusal.code, status: refusal.status),
                              detail: refusal.detail, retryable: refusal.status == .requestTimeout)
        var response = problem.response(requestID: requestID, instance: nil)
        response.headers.add("X-Request-ID", requestID)
        refusalMetrics?.recordRequest(route: "unmatched", method: "other", status: refusal.status.code, seconds: 0)
        refusalLog?.write(AccessLogMiddleware.line(
            requestID: requestID, client: context.remoteAddress.map { IPAddress($0).description },
            connection: context.remoteAddress == nil ? nil : context.connectionID, tenant: nil, method: nil, route: nil,
            status: refusal.status.code, durationMicros: nil, bytes: response.body.count, upstreamCalls: 0))
        return response
    }

    /// What access-log lines and metrics call `OPTIONS *`.
    static let serverWide = RoutePattern("/*")

    /// Runs a request through routing and the middleware with a context the caller made (tests).
    public func respond(to request: HTTPRequest, context: GatewayContext) async throws -> HTTPResponse {
        // `OPTIONS *` asks about the server itself (RFC 9110 §9.3.7): the methods some path takes.
        if request.method == .options, request.pathBytes.count == 1, request.pathBytes.first == UInt8(ascii: "*") {
            context.route = Self.serverWide
            let allow = router.serverWideAllow
            context.endpoint = { _, _ in HTTPResponse(status: .noContent, headers: HTTPHeaders([("Allow", allow)])) }
            return try await UpstreamCallCounter.$current.withValue(context.upstreamCounter) { try await chain(request, context) }
        }
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
        case .malformedParameter(let name, let pattern, let access):
            context.route = pattern
            context.access = access
            context.endpoint = { _, _ in
                throw GatewayError.invalidRequest(detail: "The path's \(name) is not valid percent-encoded UTF-8, or encodes / or NUL.",
                                                  errors: [FieldError(name, "is not valid percent-encoded UTF-8, or encodes / or NUL")])
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

import Connectors
import Hashing
import HTTP
import Server

/// The gateway as the server sees it: resolves the route first (so middleware knows whether a
/// tenant is needed and which pattern to log), then runs the middleware chain around the handler.
public struct GatewayResponder: HTTPResponder {
    /// The routes this responder resolves, before any middleware runs.
    public let router: Router
    private let chain: GatewayHandler
    private let refusalLog: LogSink?
    private let refusalMetrics: GatewayMetrics?
    private let trustedProxies: TrustedProxies
    private let refusalIDs = RequestIDGenerator()
    private let secretDigests: Set<[UInt8]>
    private let directory: TenantDirectory?
    private let failedAuthLimit: FailedAuthLimitMiddleware?
    private let tenantLimiter: TenantRateLimiter?

    /// `middleware` runs outermost first. Requests the server refuses before routing (malformed,
    /// too large, too slow) or the client abandons mid-body are logged to `log` and counted in
    /// `metrics` when given.
    /// `trustedProxies` name the client of those requests as `ClientAddressMiddleware` names it
    /// when their head was read, and their offered request id is kept as `RequestIDMiddleware`
    /// keeps it, and their log lines write a method or an id that is one of `secretDigests`'
    /// secrets `[redacted]`, as `RequestIDMiddleware` and `AccessLogMiddleware` do.
    /// `directory`, the tenants `AuthenticationMiddleware` checks keys against, lets a request
    /// that waits for `100 Continue` without a valid key be refused before its body is sent;
    /// `failedAuthLimit`, the chain's own (`failed_auth_limit`), holds such requests to the
    /// allowance the chain holds the others to; `tenantLimiter`, the chain's tenant allowances,
    /// refuses one whose tenant is over its limit before the body too.
    public init(router: Router, middleware: [any Middleware], log: LogSink? = nil, metrics: GatewayMetrics? = nil,
                trustedProxies: TrustedProxies = TrustedProxies(),
                secretDigests: Set<[UInt8]> = [], directory: TenantDirectory? = nil,
                failedAuthLimit: FailedAuthLimitMiddleware? = nil, tenantLimiter: TenantRateLimiter? = nil) {
        self.router = router
        self.secretDigests = secretDigests
        self.directory = directory
        self.failedAuthLimit = failedAuthLimit
        self.tenantLimiter = tenantLimiter
        refusalLog = log
        refusalMetrics = metrics
        self.trustedProxies = trustedProxies
        chain = middleware.wrapping { request, context in
            guard let endpoint = context.endpoint else { throw GatewayError.notFound(path: request.path) }
            return try await endpoint(request, context)
        }
    }

    /// Runs a request the server read: a fresh `GatewayContext` around the connection's facts,
    /// then routing and the middleware chain.
    public func respond(to request: HTTPRequest, context connection: RequestContext) async throws -> HTTPResponse {
        let context = GatewayContext(connection: connection)
        return try await respond(to: request, context: context)
    }

    /// A refused request gets what every other answer gets: an `X-Request-ID` (the client's, when
    /// its head was read and offered a sane one, else a fresh one), the gateway's problem
    /// document with `request_id` (and `instance`, the path, when the head was read), an
    /// access-log line and a count in the metrics, with the method and route when the head was
    /// read and the time since the request began.
    public func refusal(_ refusal: ServerRefusal, request: HTTPRequest?, context: RequestContext) -> HTTPResponse {
        let problem = Problem(status: refusal.status.code, code: refusal.code,
                              title: ProblemResponse.title(code: refusal.code, status: refusal.status),
                              detail: refusal.detail, retryable: refusal.status == .requestTimeout)
        return answer(problem, to: request, method: request?.method ?? refusal.method, context: context)
    }

    /// `problem` as the answer to a request the middleware never saw, with its request id,
    /// access-log line and metrics count. `keyChecked` false: the log names no tenant, as the key
    /// was not looked at.
    private func answer(_ problem: Problem, to request: HTTPRequest?, method: HTTPMethod?, context: RequestContext,
                        keyChecked: Bool = true) -> HTTPResponse {
        let offered = request.flatMap { offeredID(in: $0) }
        let requestID = offered?.id ?? refusalIDs.next()
        var response = problem.response(requestID: requestID, instance: request.flatMap { Problem.instance(of: $0) })
        response.headers.add("X-Request-ID", requestID)
        let sent = method == .head ? 0 : response.body.count
        account(request, method: method, context: context, requestID: offered?.logged == false ? AccessLogMiddleware.redacted : requestID,
                status: problem.status, bytes: sent, keyChecked: keyChecked)
        return response
    }

    /// A tenant route's request without a valid key, whose client waits for `100 Continue`: its
    /// 401 goes at once, as it would once the body were in (authentication comes before anything
    /// that reads the body or spends an allowance), logged and counted as every answer is, and
    /// spending its client's `failed_auth_limit`; while that is spent, the 429 goes instead,
    /// the key unchecked, as the chain would answer. A valid key's tenant over its rate limit gets
    /// the chain's 429 at once too, with its rate-limit fields, its allowance untouched; one
    /// within it gets `100 Continue` and spends its allowance in the chain, as any request.
    public func answerBeforeBody(_ request: HTTPRequest, context: RequestContext) -> HTTPResponse? {
        guard let directory, isTenantRoute(request) else { return nil }
        let client = failedAuthLimit == nil ? nil : client(of: request, context: context).flatMap(IPAddress.init)
        if let failedAuthLimit, let client, let refusal = failedAuthLimit.refusal(for: client) {
            refusalMetrics?.recordFailedAuthLimited()
            return answer(refusal, to: request, method: request.method, context: context, keyChecked: false)
        }
        let tenant: Tenant
        do {
            tenant = try AuthenticationMiddleware.tenant(of: request, in: directory)
        } catch {
            if let failedAuthLimit, let client { failedAuthLimit.recordFailure(of: client) }
            return answer(Problem(error), to: request, method: request.method, context: context)
        }
        guard let refusal = tenantLimiter?.refusal(known: tenant.id) else { return nil }
        refusalMetrics?.recordRateLimited(tenant: tenant.id)
        let problem = Problem(GatewayError.rateLimited(retryAfter: refusal.retryAfter ?? .seconds(1)))
        var response = answer(problem, to: request, method: request.method, context: context)
        response.headers.add(AuthenticationMiddleware.noStore.0, AuthenticationMiddleware.noStore.1)
        response.headers.add("RateLimit-Policy", refusal.policy)
        response.headers.add("RateLimit", refusal.field)
        return response
    }

    /// A client's FIN ends every request but a write (a reply, a mark-read): a list, an item or
    /// updates it gave up on stop costing the tenant's upstream calls and connection slots,
    /// while a write runs to its end and its client, should it still read, learns the outcome.
    /// (A keyed write runs to its end even when its client resets.) Only POST routes write, so
    /// other methods are not looked up.
    public func halfCloseMeansDeparture(_ request: HTTPRequest) -> Bool {
        request.method != .post || !router.writes(.post, path: request.pathBytes)
    }

    /// The client `ClientAddressMiddleware` would name: the forwarded one behind a trusted proxy
    /// (when the head was read), else the TCP peer.
    private func client(of request: HTTPRequest?, context: RequestContext) -> String? {
        request.flatMap { ClientAddressMiddleware.forwardedClient(of: $0, peer: context.remoteAddress, trusting: trustedProxies) }
            ?? context.remoteAddress.map { IPAddress($0).description }
    }

    /// Whether `request`'s path names a route that asks for a tenant's key.
    private func isTenantRoute(_ request: HTTPRequest) -> Bool {
        switch router.resolve(request.method, path: request.pathBytes) {
        case .handler(_, _, _, .tenant), .malformedParameter(_, _, .tenant): true
        default: false
        }
    }

    /// The tenant a refused request's valid key names on a tenant route, so that its log line
    /// is the tenant's as it would have been had the request been answered.
    private func tenantID(of request: HTTPRequest?) -> String? {
        guard let request, let directory, isTenantRoute(request) else { return nil }
        return (try? AuthenticationMiddleware.tenant(of: request, in: directory))?.id
    }

    /// A request the client gave up on while sending its body is logged and counted as one
    /// whose client closed the connection (`AccessLogMiddleware.clientClosed`), nothing sent.
    public func abandoned(_ request: HTTPRequest, context: RequestContext) {
        let offered = offeredID(in: request)
        let requestID = offered.map { $0.logged ? $0.id : AccessLogMiddleware.redacted } ?? refusalIDs.next()
        account(request, method: request.method, context: context, requestID: requestID,
                status: AccessLogMiddleware.clientClosed, bytes: 0)
    }

    /// The client's request id as `RequestIDMiddleware` keeps it, and whether the log may repeat it.
    private func offeredID(in request: HTTPRequest) -> (id: String, logged: Bool)? {
        RequestIDMiddleware.offered(in: request, unloggedDigests: secretDigests)
    }

    /// The access-log line and the metrics count of a request the middleware never saw (`requestID`
    /// as the line writes it).
    private func account(_ request: HTTPRequest?, method: HTTPMethod?, context: RequestContext, requestID: String,
                         status: Int, bytes: Int, keyChecked: Bool = true) {
        let elapsed = context.elapsed
        let route = request.flatMap(pattern(of:))?.description
        refusalMetrics?.recordRequest(route: route ?? "unmatched", method: method.map(MetricsMiddleware.label) ?? "other",
                                      status: status, seconds: elapsed.map(MetricsMiddleware.seconds) ?? 0)
        refusalLog?.write(AccessLogMiddleware.line(
            requestID: requestID, client: client(of: request, context: context),
            connection: context.remoteAddress == nil ? nil : context.connectionID, tenant: keyChecked ? tenantID(of: request) : nil,
            method: method, route: route, status: status, duration: elapsed, bytes: bytes, upstreamCalls: 0,
            secretDigests: secretDigests),
            level: AccessLogMiddleware.level(of: status))
    }

    /// The route pattern `request`'s path resolves to, if any.
    private func pattern(of request: HTTPRequest) -> RoutePattern? {
        if request.method == .connect { return nil }
        if Self.isServerWide(request) { return .asterisk }
        switch router.resolve(request.method, path: request.pathBytes) {
        case .handler(_, let pattern, _, _), .methodNotAllowed(_, let pattern), .options(_, let pattern),
             .malformedParameter(_, let pattern, _):
            return pattern
        case .notFound:
            return nil
        }
    }

    /// `OPTIONS *`, which asks about the server itself (RFC 9110 §9.3.7).
    private static func isServerWide(_ request: HTTPRequest) -> Bool {
        request.method == .options && request.pathBytes.count == 1 && request.pathBytes.first == UInt8(ascii: "*")
    }

    /// Runs a request through routing and the middleware with a context the caller made (tests).
    public func respond(to request: HTTPRequest, context: GatewayContext) async throws -> HTTPResponse {
        // `OPTIONS *`: the methods some path takes.
        if Self.isServerWide(request) {
            context.route = .asterisk
            let allow = router.serverWideAllow
            context.endpoint = { _, _ in HTTPResponse(status: .noContent, headers: HTTPHeaders([("Allow", allow)])) }
            return try await UpstreamCallCounter.$current.withValue(context.upstreamCounter) { try await chain(request, context) }
        }
        // CONNECT's target is `host:port` (RFC 9112 §3.2.3), a tunnel to open, not a path here.
        if request.method == .connect {
            context.endpoint = { _, _ in throw GatewayError.methodNotAllowed(method: "CONNECT", allow: []) }
            return try await UpstreamCallCounter.$current.withValue(context.upstreamCounter) { try await chain(request, context) }
        }
        switch router.resolve(request.method, path: request.pathBytes) {
        case .handler(let handler, let pattern, let parameters, let access):
            context.route = pattern
            context.parameters = parameters
            context.access = access
            context.endpoint = handler
            context.ifMatchNamesOnlyTags = access == .tenant && !request.ifMatchHoldsWithoutTags
        case .methodNotAllowed(let allow, let pattern):
            context.route = pattern
            // A method that is one of the gateway's secrets (a confused client's key) is not
            // repeated in the answer, as the log does not repeat it.
            let method = if case .other(let token) = request.method, !secretDigests.isEmpty,
                            secretDigests.contains(SHA256.hash(token.utf8)) { "This method" } else { request.method.rawValue }
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

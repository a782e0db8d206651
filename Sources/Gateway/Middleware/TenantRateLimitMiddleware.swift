import HTTP

/// Spends one request of the tenant's allowance and reports it in the IETF `RateLimit-Policy`
/// and `RateLimit` fields (draft -08 and later) on every response, the refusals included:
/// a tenant over its limit gets 429 with `Retry-After`, and others are not slowed by it.
public struct TenantRateLimitMiddleware: Middleware {
    /// The per-tenant allowances, shared by every loop.
    public let limiter: TenantRateLimiter

    /// Limits with `limiter`; must run after `AuthenticationMiddleware`, which names the tenant.
    public init(limiter: TenantRateLimiter) {
        self.limiter = limiter
    }

    /// Passes requests without a tenant (public routes) through untouched. Throws `rateLimited`
    /// when the tenant's allowance is spent, with the rate-limit fields queued for the problem.
    public func handle(_ request: HTTPRequest, context: GatewayContext, next: GatewayHandler) async throws -> HTTPResponse {
        guard let tenant = context.tenant, let decision = limiter.check(known: tenant.id) else {
            return try await next(request, context)
        }
        let fields = [("RateLimit-Policy", decision.policy), ("RateLimit", decision.field)]
        // The problem renderer adds these to error responses too.
        context.responseHeaders.append(contentsOf: fields)
        guard decision.allowed else {
            context.metrics?.recordRateLimited(tenant: tenant.id)
            throw GatewayError.rateLimited(retryAfter: decision.retryAfter ?? .seconds(1))
        }
        if decision.remaining == 0, decision.resetSeconds > 0 { context.tenantAllowanceBackIn = .seconds(decision.resetSeconds) }
        var response = try await next(request, context)
        for (name, value) in fields { response.headers.add(name, value) }
        return response
    }
}

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
        guard decision.allowed else {
            // The problem renderer adds these to error responses.
            context.responseHeaders.append(("RateLimit-Policy", decision.policy))
            context.responseHeaders.append(("RateLimit", decision.field))
            context.metrics?.recordRateLimited(tenant: tenant.id)
            throw GatewayError.rateLimited(retryAfter: decision.retryAfter ?? .seconds(1))
        }
        Self.note(decision, in: context)
        // The fields say what stands when the answer goes out, which a slow upstream call (or
        // the tenant's other requests meanwhile) may have moved since the request came in.
        var response: HTTPResponse
        do {
            response = try await next(request, context)
        } catch {
            let standing = limiter.standing(known: tenant.id) ?? decision
            context.responseHeaders.append(("RateLimit-Policy", decision.policy))
            context.responseHeaders.append(("RateLimit", standing.field))
            Self.note(standing, in: context)
            throw error
        }
        response.headers.add("RateLimit-Policy", decision.policy)
        response.headers.add("RateLimit", (limiter.standing(known: tenant.id) ?? decision).field)
        return response
    }

    /// An allowance spent to its last request is back no earlier than its reset: a problem's
    /// Retry-After must not say sooner (see `ProblemMiddleware`).
    private static func note(_ decision: TenantRateLimiter.Decision, in context: GatewayContext) {
        context.tenantAllowanceBackIn = decision.remaining == 0 && decision.resetSeconds > 0 ? .seconds(decision.resetSeconds) : nil
    }
}

import HTTP

/// Limits the requests each client address may make to routes that need no API key (metrics,
/// the spec, the console, unknown paths), so that one client cannot flood them. The liveness and
/// readiness probes are left out: a client sharing the prober's address (behind a proxy, after
/// SNAT) must not be able to fail them and get the gateway restarted. Behind
/// a trusted proxy the address is the forwarded client's (`ClientAddressMiddleware`). Routes with
/// a tenant are limited per tenant instead (`TenantRateLimitMiddleware`). A client over its
/// allowance gets 429 `rate_limited` with `Retry-After`.
public struct ClientRateLimitMiddleware: Middleware {
    /// The per-address allowances, shared by every loop.
    public let limiter: ClientRateLimiter

    /// Limits with `limiter`; runs after routing and `ClientAddressMiddleware`, which say whether
    /// a route is public and who the client is.
    public init(limiter: ClientRateLimiter) {
        self.limiter = limiter
    }

    /// Route patterns never limited here.
    static let probes: Set<String> = ["/healthz", "/readyz"]

    /// Spends one request of the client's allowance on public routes other than the probes; throws
    /// a 429 `rate_limited` problem when it is spent. Requests from an unknown address pass.
    public func handle(_ request: HTTPRequest, context: GatewayContext, next: GatewayHandler) async throws -> HTTPResponse {
        guard context.access == .public, !Self.probes.contains(context.route?.description ?? ""),
              let text = context.clientAddress, let client = IPAddress(text) else {
            return try await next(request, context)
        }
        if let wait = limiter.check(client) {
            context.metrics?.recordPublicRateLimited()
            throw Problem(status: 429, code: "rate_limited", title: "Too Many Requests",
                          detail: "This client address has used its request rate for routes without an API key; slow down.",
                          retryable: true, retryAfter: wait)
        }
        return try await next(request, context)
    }
}

import HTTP

/// Slows the guessing of API keys and of the metrics token (`failed_auth_limit`): each request
/// answered 401 spends one of its client address's allowance, and while that is spent the
/// address's requests that would have a key checked (every tenant route, and any request that
/// presents `Authorization` or `X-API-Key`) are refused with 429 `rate_limited` and
/// `Retry-After` before the key is looked at, so a right guess passes no sooner than a wrong one.
/// The probes are left out, as `ClientRateLimitMiddleware` leaves them out. Behind a reverse
/// proxy the address must be the forwarded client's (`trusted_proxies`): else every client
/// shares the proxy's, and one client's bad key shuts the others out.
public struct FailedAuthLimitMiddleware: Middleware {
    /// The per-address allowances of failed authentications, shared by every loop.
    public let limiter: ClientRateLimiter

    /// Limits with `limiter`; runs after routing and `ClientAddressMiddleware`, and above every
    /// middleware and handler that answers 401.
    public init(limiter: ClientRateLimiter) {
        self.limiter = limiter
    }

    /// Refuses a blocked address's request that would be authenticated; spends one of the
    /// address's allowance when the request below ends in `unauthorized`.
    public func handle(_ request: HTTPRequest, context: GatewayContext, next: GatewayHandler) async throws -> HTTPResponse {
        guard !ClientRateLimitMiddleware.probes.contains(context.route?.description ?? ""),
              let text = context.clientAddress, let client = IPAddress(text) else {
            return try await next(request, context)
        }
        if context.access == .tenant || request.headers.contains("Authorization") || request.headers.contains("X-API-Key"),
           let refusal = refusal(for: client) {
            context.metrics?.recordFailedAuthLimited()
            throw refusal
        }
        do {
            return try await next(request, context)
        } catch {
            if case GatewayError.unauthorized = error { recordFailure(of: client) }
            throw error
        }
    }

    /// The 429 for `client` while its allowance is spent; nil while it may still fail.
    /// `GatewayResponder` asks it too, for a request refused before its body is read.
    public func refusal(for client: IPAddress) -> Problem? {
        guard let wait = limiter.wait(for: client) else { return nil }
        return Problem(status: 429, code: "rate_limited", title: "Too Many Requests",
                       detail: "This client address has failed to authenticate too often; wait before sending a key again.",
                       retryable: true, retryAfter: wait)
    }

    /// Spends one of `client`'s allowance for a request answered 401.
    public func recordFailure(of client: IPAddress) {
        _ = limiter.check(client)
    }
}

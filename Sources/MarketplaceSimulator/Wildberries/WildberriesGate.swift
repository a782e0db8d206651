import HTTP

/// What both Wildberries hosts check before routing: the token (raw or `Bearer`, known, not
/// expired, of the host's category, allowed to write) and the seller's rate limit, a base token's
/// counted apart and far lower.
struct WildberriesGate: Sendable {
    enum Outcome {
        /// Let through; `remaining` goes into `X-Ratelimit-Remaining`.
        case pass(remaining: Int)
        case refuse(HTTPResponse)
    }

    let category: WildberriesToken.Categories
    let tokens: Set<String>
    let limiter: WildberriesRateLimiter
    let baseTokenLimiter: WildberriesRateLimiter

    func admit(_ request: SimulatorRequest) -> Outcome {
        var value = (request.header("Authorization") ?? "").trimmingCharacters(in: .whitespaces)
        if value.count > 7, value.prefix(7).lowercased() == "bearer " {
            value = String(value.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        }
        guard !value.isEmpty else { return .refuse(unauthorized("empty Authorization header")) }
        guard let token = WildberriesToken.parse(value) else {
            return .refuse(unauthorized("token problem; token is malformed: could not base64 decode signature"))
        }
        guard tokens.contains(value) else {
            return .refuse(unauthorized("token problem; token is not valid: crypto/ecdsa: verification error"))
        }
        guard token.expiresAt > WildberriesResponses.nowMilliseconds() / 1000 else {
            return .refuse(unauthorized("token problem; token is expired"))
        }
        guard token.categories.contains(category) else {
            return .refuse(unauthorized("token scope not allowed: token category must match API category"))
        }
        if token.categories.contains(.readOnly), request.method != "GET" {
            return .refuse(unauthorized("read-only token scope not allowed for this method"))
        }
        let limiter = token.access == .base ? baseTokenLimiter : limiter
        switch limiter.take(for: token.sellerID) {
        case .allowed(let remaining):
            return .pass(remaining: remaining)
        case .limited(let retry, let reset):
            return .refuse(Self.tooManyRequests(retry: WildberriesRateLimiter.headerSeconds(retry),
                                                limit: limiter.limit.burst,
                                                reset: WildberriesRateLimiter.headerSeconds(reset)))
        }
    }

    private func unauthorized(_ detail: String) -> HTTPResponse {
        WildberriesResponses.problem(401, title: "unauthorized", detail: detail)
    }

    /// Wildberries' 429: problem+json plus `X-Ratelimit-Retry`, `-Limit` and `-Reset`.
    static func tooManyRequests(retry: String, limit: Int, reset: String) -> HTTPResponse {
        WildberriesResponses.problem(429, title: "too many requests",
                                     detail: "limited by \(WildberriesResponses.requestID().prefix(8))-a7fb-4bb4-abb0-32fd4e18d489",
                                     headers: [("X-Ratelimit-Retry", retry), ("X-Ratelimit-Limit", String(limit)),
                                               ("X-Ratelimit-Reset", reset)])
    }
}

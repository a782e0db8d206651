import Connectors
import Foundation

/// One Wildberries host as every tenant reaches it: a circuit breaker per seller (a run of
/// failures one seller's calls meet does not hold back another's; tenants' own refusals, 401 or
/// 422, do not count against it) and the rate budgets of the sellers calling it, apart for base
/// tokens, which Wildberries limits apart and far lower. Connections stay per tenant
/// (`WildberriesSession`), so one tenant's burst does not queue another's calls behind it.
struct WildberriesHost: Sendable {
    let baseURL: URL
    let breakers: CircuitBreakers
    let budgets: RateBudgets
    let baseTokenBudgets: RateBudgets
    /// The answers being written, one at a time per item and seller (`WildberriesSession.writing`).
    let writeLocks = ItemWriteLocks()

    init(baseURL: URL, limit: RateLimit, baseTokenLimit: RateLimit, options: WildberriesOptions) {
        self.baseURL = baseURL
        breakers = CircuitBreakers(host: baseURL.upstreamHost, failureThreshold: options.breakerFailureThreshold,
                                   coolDown: options.breakerCoolDown, clock: options.clock)
        budgets = RateBudgets(limit: limit, clock: options.clock)
        baseTokenBudgets = RateBudgets(limit: baseTokenLimit, clock: options.clock)
    }

    /// The circuit a token's calls go through: its seller's on this host.
    func breaker(for claims: WildberriesTokenClaims) -> CircuitBreaker {
        breakers.breaker(for: claims.account)
    }

    /// The budget a token's calls draw on.
    func budget(for claims: WildberriesTokenClaims) -> RateBudget {
        (claims.isBase ? baseTokenBudgets : budgets).budget(for: claims.account)
    }
}

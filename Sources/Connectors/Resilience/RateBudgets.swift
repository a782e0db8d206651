import Synchronization

/// One `RateBudget` per seller account, all under the same limit. Marketplaces count their
/// limits per account (Ozon per Client-Id, Wildberries per seller), so every tenant configured
/// with the same account, and every channel of each, draws from one budget.
public final class RateBudgets: Sendable {
    private let limit: RateLimit
    private let clock: any ResilienceClock
    private let budgets = Mutex<[String: RateBudget]>([:])

    /// `limit` and `clock` are what each account's budget is made with.
    public init(limit: RateLimit, clock: any ResilienceClock = SystemResilienceClock()) {
        self.limit = limit
        self.clock = clock
    }

    /// The budget of `account`, made on first use.
    public func budget(for account: String) -> RateBudget {
        budgets.withLock { budgets in
            if let existing = budgets[account] { return existing }
            let budget = RateBudget(limit: limit, clock: clock)
            budgets[account] = budget
            return budget
        }
    }
}

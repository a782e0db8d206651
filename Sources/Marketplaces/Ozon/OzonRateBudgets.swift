import Connectors
import Synchronization

/// One `RateBudget` per Client-Id: Ozon counts its limit per seller account, so two tenants
/// configured with the same account (and the three channels of each) draw from one budget.
final class OzonRateBudgets: Sendable {
    private let limit: RateLimit
    private let clock: any ResilienceClock
    private let budgets = Mutex<[String: RateBudget]>([:])

    init(limit: RateLimit, clock: any ResilienceClock) {
        self.limit = limit
        self.clock = clock
    }

    func budget(for clientID: String) -> RateBudget {
        budgets.withLock { budgets in
            if let existing = budgets[clientID] { return existing }
            let budget = RateBudget(limit: limit, clock: clock)
            budgets[clientID] = budget
            return budget
        }
    }
}

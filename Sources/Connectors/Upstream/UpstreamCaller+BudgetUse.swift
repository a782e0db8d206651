extension UpstreamCaller {
    /// Whether a call waits for the credential's rate budget.
    public enum BudgetUse: Sendable, Equatable {
        /// Waits for a slot, as long as the deadline leaves the attempt its time.
        case wait
        /// One attempt, on a slot free now with another left for the calls that wait; otherwise
        /// fails at once with `upstreamRateLimited`. A budget of burst 1 never has one to spare.
        case atHand
    }
}

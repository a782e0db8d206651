/// How one upstream host looks from this tenant's side: its circuit and what is left of the
/// rate budget. Shown by the gateway's connector descriptor.
public struct UpstreamHealth: Sendable, Equatable {
    public var host: String
    public var circuit: CircuitBreaker.State
    /// Calls that could start now without waiting for the budget.
    public var budgetAvailable: Int
    public var budgetBurst: Int
    /// How often one more call is allowed once the burst is spent: the published rate, which for
    /// a restricted credential (a Wildberries base token) is far below the usual one.
    public var budgetInterval: Duration

    public init(host: String, circuit: CircuitBreaker.State, budgetAvailable: Int, budgetBurst: Int, budgetInterval: Duration) {
        self.host = host
        self.circuit = circuit
        self.budgetAvailable = budgetAvailable
        self.budgetBurst = budgetBurst
        self.budgetInterval = budgetInterval
    }

    /// The state of the hosts `caller` talks to.
    public init(_ caller: UpstreamCaller) {
        self.init(host: caller.client.host, circuit: caller.breaker.state,
                  budgetAvailable: caller.budget.available, budgetBurst: caller.budget.limit.burst,
                  budgetInterval: caller.budget.limit.interval)
    }
}

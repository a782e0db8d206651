/// How one upstream host looks from this tenant's side: its circuit and what is left of the
/// rate budget. Shown by the gateway's connector descriptor.
public struct UpstreamHealth: Sendable, Equatable {
    public var host: String
    public var circuit: CircuitBreaker.State
    /// Calls that could start now without waiting for the budget.
    public var budgetAvailable: Int
    public var budgetBurst: Int

    public init(host: String, circuit: CircuitBreaker.State, budgetAvailable: Int, budgetBurst: Int) {
        self.host = host
        self.circuit = circuit
        self.budgetAvailable = budgetAvailable
        self.budgetBurst = budgetBurst
    }

    /// The state of the hosts `caller` talks to.
    public init(_ caller: UpstreamCaller) {
        self.init(host: caller.client.host, circuit: caller.breaker.state,
                  budgetAvailable: caller.budget.available, budgetBurst: caller.budget.limit.burst)
    }
}

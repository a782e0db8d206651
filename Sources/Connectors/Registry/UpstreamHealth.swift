/// How one upstream host looks from this tenant's side: its circuit and what is left of the
/// rate budget. Shown by the gateway's connector descriptor.
public struct UpstreamHealth: Sendable, Equatable {
    /// The host as `URL.upstreamHost` names it (`name:port` when the URL gives a port).
    public var host: String
    /// The state of the circuit breaker of this tenant's account on the host.
    public var circuit: CircuitBreaker.State
    /// Calls that could start now without waiting for the budget.
    public var budgetAvailable: Int
    /// The most calls the budget lets start at once when it is full.
    public var budgetBurst: Int
    /// How often one more call is allowed once the burst is spent: the published rate, which for
    /// a restricted credential (a Wildberries base token) is far below the usual one.
    public var budgetInterval: Duration

    /// A snapshot from its parts; sessions usually take `init(_:)` with their `UpstreamCaller`.
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

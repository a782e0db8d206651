import HTTP

/// One simulated upstream host: its routes and its own way of saying "too many requests",
/// "internal error" and "down for maintenance". `SimulatorServer` adds faults and logging.
public protocol SimulatedHost: Sendable {
    /// Answers a request as the real host would.
    func handle(_ request: SimulatorRequest) async -> HTTPResponse
    /// The host's answer for an injected `rateLimited`, `serverError` or `maintenance` fault.
    func faultResponse(_ fault: Fault) -> HTTPResponse
}

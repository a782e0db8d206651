/// The time source of rate budgets, circuit breakers and retry waits. Production uses
/// `SystemResilienceClock`; tests inject a manual clock so that waits are asserted, not slept.
public protocol ResilienceClock: Sendable {
    /// The current instant, on the clock that deadlines passed to connectors are measured by.
    var now: ContinuousClock.Instant { get }
    /// Suspends until `instant`; throws `CancellationError` when the task is cancelled.
    func sleep(until instant: ContinuousClock.Instant) async throws
}

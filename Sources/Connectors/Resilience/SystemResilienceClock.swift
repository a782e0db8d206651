/// The continuous clock: real time, real sleeps.
public struct SystemResilienceClock: ResilienceClock {
    /// The clock has no state; every instance reads the same `ContinuousClock`.
    public init() {}

    /// `ContinuousClock.now`.
    public var now: ContinuousClock.Instant { ContinuousClock.now }

    /// Sleeps with 1 ms tolerance; throws `CancellationError` when the task is cancelled.
    public func sleep(until instant: ContinuousClock.Instant) async throws {
        try await ContinuousClock().sleep(until: instant, tolerance: .milliseconds(1))
    }
}

/// The continuous clock: real time, real sleeps.
public struct SystemResilienceClock: ResilienceClock {
    public init() {}

    public var now: ContinuousClock.Instant { ContinuousClock.now }

    public func sleep(until instant: ContinuousClock.Instant) async throws {
        try await ContinuousClock().sleep(until: instant, tolerance: .milliseconds(1))
    }
}

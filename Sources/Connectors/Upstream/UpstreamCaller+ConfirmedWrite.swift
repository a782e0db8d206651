extension UpstreamCaller {
    /// The part of a write's remaining time held back for looking it up after a failure: a
    /// quarter, and at most 3 s, on this caller's clock.
    public func lookupReserve(until deadline: ContinuousClock.Instant) -> Duration {
        min(.seconds(3), max(.zero, deadline - now) / 4)
    }

    /// Runs `write` under a deadline that keeps `lookupReserve` back. When it fails after one of
    /// its calls may have reached the marketplace (no answer in time, a lost connection, a 5xx),
    /// asks `find`, with the whole deadline and past a circuit the failure opened
    /// (`isLookingUp`), whether the write shows there, and returns what it found: for a
    /// marketplace without idempotency keys, this is how a write whose answer was lost is told
    /// from one that was not made, so that a client's retry does not make it twice. Otherwise,
    /// or when the look fails, the write's failure stands, still saying that it may have been
    /// applied.
    public func confirmedWrite<T: Sendable>(deadline: ContinuousClock.Instant,
                                            write: @Sendable (ContinuousClock.Instant) async throws(ConnectorError) -> T,
                                            find: (ContinuousClock.Instant) async throws(ConnectorError) -> T?)
        async throws(ConnectorError) -> T {
        // The gateway's counter when there is one (its log counts these calls), else one of ours.
        let counter = UpstreamCallCounter.current ?? UpstreamCallCounter()
        let before = counter.count
        let writeDeadline = deadline - lookupReserve(until: deadline)
        let failure: ConnectorError
        do {
            return try await UpstreamCallCounter.$current.withValue(counter) { try await write(writeDeadline) }
        } catch let error as ConnectorError {
            failure = error
        } catch {
            // `write` throws only ConnectorError; `withValue` forgets the type.
            failure = .upstreamError(UpstreamFailure(marketplace: marketplace, status: nil, message: "\(error)"))
        }
        guard counter.reports.dropFirst(before).contains(where: \.mayHaveChanged) else { throw failure }
        let found = await Self.$isLookingUp.withValue(true) { try? await find(deadline) }
        guard let found = found ?? nil else { throw failure }
        return found
    }
}

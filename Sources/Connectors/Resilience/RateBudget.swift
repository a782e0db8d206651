import Synchronization

/// Our side of an upstream's rate limit for one credential, so that a busy tenant is slowed down
/// here instead of earning 429s upstream. A generic cell-rate algorithm: each call reserves the
/// next free slot; a caller whose slot lies beyond its deadline is refused at once with
/// `upstreamRateLimited` and reserves nothing. The upstream's own view (`X-Ratelimit-Remaining`,
/// `ratelimit-remaining`, a 429's retry delay) only ever makes the budget stricter.
public final class RateBudget: Sendable {
    public let limit: RateLimit
    private let clock: any ResilienceClock
    /// The theoretical arrival time of the next request: the budget is full when it is ≤ now,
    /// and a request may start once now ≥ nextFree − tolerance.
    private let nextFree: Mutex<ContinuousClock.Instant>

    public init(limit: RateLimit, clock: any ResilienceClock = SystemResilienceClock()) {
        self.limit = limit
        self.clock = clock
        self.nextFree = Mutex(clock.now)
    }

    /// How far ahead of real time the schedule may run: the burst beyond the first request.
    private var tolerance: Duration { limit.interval * (limit.burst - 1) }

    private enum Reservation {
        case granted(slot: ContinuousClock.Instant, before: ContinuousClock.Instant, after: ContinuousClock.Instant)
        case refused(wait: Duration)
    }

    /// Waits for a slot. Throws `upstreamRateLimited` (with the wait as `retryAfter`) at once,
    /// without reserving anything, when the slot comes after `deadline` (a slot free now is
    /// always taken); throws `upstreamTimeout` when the task is cancelled, and then gives the slot
    /// back if no later call depends on it.
    public func acquire(deadline: ContinuousClock.Instant, marketplace: Marketplace) async throws(ConnectorError) {
        if Task.isCancelled { throw .upstreamTimeout(nil) }
        let now = clock.now
        let reservation: Reservation = nextFree.withLock { next in
            let base = max(next, now)
            let start = max(base - tolerance, now)
            // A slot free now is granted even against a deadline that is now or just behind it:
            // the caller's notion of "now" was read a moment before this one.
            guard start <= max(deadline, now) else { return .refused(wait: start - now) }
            let before = next
            next = base + limit.interval
            return .granted(slot: start, before: before, after: next)
        }
        switch reservation {
        case .refused(let wait):
            throw .upstreamRateLimited(retryAfter: wait, nil)
        case .granted(let slot, let before, let after):
            guard slot > now else { return }
            do {
                try await clock.sleep(until: slot)
            } catch {
                nextFree.withLock { if $0 == after { $0 = before } }
                throw .upstreamTimeout(nil)
            }
        }
    }

    /// How long until one more call would be allowed.
    public func waitTime() -> Duration { waitTime(now: clock.now) }

    /// Calls that could start right now.
    public var available: Int {
        let now = clock.now
        let next = nextFree.withLock { $0 }
        guard next > now else { return limit.burst }
        let used = min(((next - now) / limit.interval).rounded(.up), Double(limit.burst))
        return limit.burst - Int(used)
    }

    /// The upstream says `remaining` calls may be sent now: adopt it when it is stricter than ours.
    public func sync(remaining: Int) {
        let now = clock.now
        let used = max(0, limit.burst - max(0, remaining))
        let candidate = now + limit.interval * used
        nextFree.withLock { $0 = max($0, candidate) }
    }

    /// The upstream refused for rate (a 429): no call until `delay` has passed, and from then
    /// on the budget refills from empty.
    public func pause(for delay: Duration) {
        let candidate = clock.now + max(delay, .zero) + tolerance
        nextFree.withLock { $0 = max($0, candidate) }
    }

    private func waitTime(now: ContinuousClock.Instant) -> Duration {
        let next = nextFree.withLock { $0 }
        let allowedAt = next - tolerance
        return allowedAt > now ? allowedAt - now : .zero
    }
}

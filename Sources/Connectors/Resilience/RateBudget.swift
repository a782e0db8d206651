import Synchronization

/// Our side of an upstream's rate limit for one credential, so that a busy tenant is slowed down
/// here instead of earning 429s upstream. A generic cell-rate algorithm: each call reserves the
/// next free slot; a caller whose slot lies beyond its deadline is refused at once with
/// `upstreamRateLimited` and reserves nothing. The upstream's own view (`X-Ratelimit-Remaining`,
/// `ratelimit-remaining`, a 429's retry delay) only ever makes the budget stricter, for calls
/// already waiting for their slot too: one that wakes while a 429's pause holds reserves again.
///
/// A slot given up by a cancelled waiter is not lost: the next caller takes it (the earliest such
/// slot still ahead) before the end of the schedule, so the calls sent are always a subset of a
/// schedule the limit allows, and callers who give up do not make later ones wait for nothing.
public final class RateBudget: Sendable {
    /// The published limit the schedule is built on; the upstream's signals (`sync`, `pause`)
    /// can only make the schedule stricter than it.
    public let limit: RateLimit
    private let clock: any ResilienceClock
    /// How far ahead of real time the schedule may run: the burst beyond the first request.
    /// Kept, not derived per call: `Duration * Int` goes through 128-bit arithmetic
    /// (~400 instructions), and every reservation reads it.
    private let tolerance: Duration

    private struct State {
        /// The theoretical arrival time of the next request: the budget is full when it is ≤ now,
        /// and a request may start once now ≥ nextFree − tolerance.
        var nextFree: ContinuousClock.Instant
        /// Slots reserved and then given up by cancelled waiters, earliest first: free for the
        /// next callers while they are still ahead.
        var vacated: [ContinuousClock.Instant] = []
        /// Until then the upstream refuses for rate (a 429's pause); nil until the first one.
        var pausedUntil: ContinuousClock.Instant?

        /// Whether a 429's pause holds at `instant`.
        func paused(at instant: ContinuousClock.Instant) -> Bool {
            pausedUntil.map { $0 > instant } ?? false
        }

        /// Forgets vacated slots that have passed: a call sent later than its slot could crowd the one after it.
        mutating func dropVacated(before now: ContinuousClock.Instant) {
            let passed = vacated.prefix { $0 < now }.count
            if passed > 0 { vacated.removeFirst(passed) }
        }
    }

    /// Vacated slots remembered at most (each cancelled waiter adds one; they pass within the schedule).
    static let maxVacated = 1024

    private let state: Mutex<State>

    /// A full budget: `limit.burst` calls may start at once.
    public init(limit: RateLimit, clock: any ResilienceClock = SystemResilienceClock()) {
        self.limit = limit
        self.clock = clock
        self.tolerance = limit.interval * (limit.burst - 1)
        self.state = Mutex(State(nextFree: clock.now))
    }

    /// A slot `acquire` granted, for `giveBack` when the call it was taken for never reached the
    /// marketplace after all (the circuit refused it once the slot came, its connection was
    /// refused or never made, it was cancelled before it went out).
    public struct Slot: Sendable {
        let time: ContinuousClock.Instant
        /// When it was the end of the schedule: the schedule's end before and after it.
        let ends: (before: ContinuousClock.Instant, after: ContinuousClock.Instant)?
    }

    private enum Reservation {
        /// `slot`; when it was the end of the schedule, the schedule's end before and after it.
        case granted(slot: ContinuousClock.Instant, ends: (before: ContinuousClock.Instant, after: ContinuousClock.Instant)?)
        case refused(wait: Duration)
    }

    /// Waits for a slot. Throws `upstreamRateLimited` (with the wait as `retryAfter`) at once,
    /// without reserving anything, when the slot comes after `deadline` (a slot free now is
    /// always taken); throws `upstreamTimeout` when the task is cancelled, and then gives the slot
    /// back for the next caller. A waiter that wakes while a 429's pause is in force (set after
    /// it reserved) reserves again, after the pause, under the same deadline.
    @discardableResult
    public func acquire(deadline: ContinuousClock.Instant, marketplace: Marketplace) async throws(ConnectorError) -> Slot {
        while true {
            if Task.isCancelled { throw .upstreamTimeout(nil) }
            let now = clock.now
            switch reserve(now: now, deadline: deadline) {
            case .refused(let wait):
                throw .upstreamRateLimited(retryAfter: wait, nil)
            case .granted(let slot, let ends):
                guard slot > now else { return Slot(time: slot, ends: ends) }
                do {
                    try await clock.sleep(until: slot)
                } catch {
                    giveBack(slot: slot, ends: ends)
                    throw .upstreamTimeout(nil)
                }
                let woken = clock.now
                guard state.withLock({ $0.paused(at: woken) }) else { return Slot(time: slot, ends: ends) }
            }
        }
    }

    /// Returns a slot whose call was not sent: the schedule's end goes back when nothing was
    /// reserved after it, so the next call need not wait for a slot nobody used; a slot
    /// reserved behind is kept for a caller while it is still ahead.
    public func giveBack(_ slot: Slot) {
        giveBack(slot: slot.time, ends: slot.ends)
    }

    /// Takes a slot free now only when `spare` more would still be free beside it, in one step
    /// (two callers cannot both see the same spare and take it); never waits. For calls that
    /// only enrich an answer already in hand and must leave the credential's other calls room.
    /// Whether it took one.
    public func takeSpare(leaving spare: Int) -> Bool {
        let now = clock.now
        return state.withLock { state in
            // Reserved against a deadline of now, a slot is granted only when it is free now.
            guard !state.paused(at: now), Self.available(nextFree: state.nextFree, now: now, limit: limit) > spare,
                  case .granted = reserve(&state, now: now, deadline: now) else { return false }
            return true
        }
    }

    private func reserve(now: ContinuousClock.Instant, deadline: ContinuousClock.Instant) -> Reservation {
        state.withLock { reserve(&$0, now: now, deadline: deadline) }
    }

    private func reserve(_ state: inout State, now: ContinuousClock.Instant, deadline: ContinuousClock.Instant) -> Reservation {
        if !state.vacated.isEmpty {
            state.dropVacated(before: now)
            // A vacated slot is part of the schedule already: taking it sends no more than the
            // schedule allows. Not one inside a pause set since it was vacated.
            if let index = state.vacated.firstIndex(where: { !state.paused(at: $0) }),
               state.vacated[index] <= max(deadline, now) {
                return .granted(slot: state.vacated.remove(at: index), ends: nil)
            }
        }
        let base = max(state.nextFree, now)
        let start = max(base - tolerance, now)
        // A slot free now is granted even against a deadline that is now or just behind it:
        // the caller's notion of "now" was read a moment before this one.
        guard start <= max(deadline, now) else { return .refused(wait: start - now) }
        let before = state.nextFree
        state.nextFree = base + limit.interval
        return .granted(slot: start, ends: (before, state.nextFree))
    }

    /// A cancelled waiter's or an unsent call's slot: the end of the schedule goes back if
    /// nothing was reserved after it; otherwise the slot is kept for the next caller.
    private func giveBack(slot: ContinuousClock.Instant, ends: (before: ContinuousClock.Instant, after: ContinuousClock.Instant)?) {
        state.withLock { state in
            if let ends, state.nextFree == ends.after {
                // Never back into a 429's pause set meanwhile: a caller given that time would go
                // inside it. (With no pause yet there is no floor: one at creation would read as a
                // burst spent then.)
                state.nextFree = max(ends.before, state.pausedUntil.map { $0 + tolerance } ?? ends.before)
                return
            }
            guard state.vacated.count < Self.maxVacated else { return }
            let index = state.vacated.firstIndex { $0 > slot } ?? state.vacated.endIndex
            state.vacated.insert(slot, at: index)
        }
    }

    /// How long until one more call would be allowed.
    public func waitTime() -> Duration { waitTime(now: clock.now) }

    /// Calls that could start right now.
    public var available: Int {
        let now = clock.now
        return Self.available(nextFree: state.withLock { $0.nextFree }, now: now, limit: limit)
    }

    private static func available(nextFree next: ContinuousClock.Instant, now: ContinuousClock.Instant, limit: RateLimit) -> Int {
        guard next > now else { return limit.burst }
        let used = min(((next - now) / limit.interval).rounded(.up), Double(limit.burst))
        return limit.burst - Int(used)
    }

    /// The upstream says `remaining` calls may be sent now: adopt it when it is stricter than ours.
    public func sync(remaining: Int) {
        let now = clock.now
        let used = max(0, limit.burst - max(0, remaining))
        let candidate = now + limit.interval * used
        state.withLock { $0.nextFree = max($0.nextFree, candidate) }
    }

    /// The upstream refused for rate (a 429): no call until `delay` has passed, and from then
    /// on the budget refills from empty. Calls already waiting for a slot inside the pause
    /// reserve again when they wake.
    public func pause(for delay: Duration) {
        let now = clock.now
        let end = now + max(delay, .zero)
        state.withLock { state in
            state.nextFree = max(state.nextFree, end + tolerance)
            state.pausedUntil = max(state.pausedUntil ?? end, end)
        }
    }

    private func waitTime(now: ContinuousClock.Instant) -> Duration {
        let next = state.withLock { $0.nextFree }
        let allowedAt = next - tolerance
        return allowedAt > now ? allowedAt - now : .zero
    }
}

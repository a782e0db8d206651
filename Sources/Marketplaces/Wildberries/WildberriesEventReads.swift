import Connectors
import Synchronization

/// The chat event stream's answers, shared among one tenant's callers that ask the stream from
/// the same `next` at about the same time. Clients polling for updates each read from their own
/// cursor, but once caught up they all ask the same place, and Wildberries allows the chat host
/// 10 requests in 10 s for all of them and the chat list besides: ten clients asking on their own
/// ran into its 429. A caller asking a `next` another caller is asking already waits for that
/// answer; one asking a `next` answered less than `window` ago is given that answer.
///
/// An answer given again is exactly what asking at its time gave: the page as the stream was
/// then, with that time (`WildberriesEventRead.askedAt`), by which its seconds are judged over.
/// A reading made of it is as right as one made then, and news comes at most `window` later.
///
/// Past the window, an answer less than `staleLimit` old is still worth more than a wait for the
/// budget: the stream is asked again only with a request to spare (`fetch(true)`, the budget's
/// `atHand`, which leaves one for the credential's other calls), and without one the old answer
/// is given. Many clients polling then take what the allowance gives and wait for none of it;
/// their news comes later, as late as `staleLimit` while the allowance is spent.
///
/// What a caller waits on stays within what its own request could have taken: a caller that may
/// not wait for the budget (a catch-up) joins only a request that does not wait for it either; a
/// caller stops waiting at its own deadline (then failing as its own request would have) and at
/// once when cancelled. A failure a retry may cure is not shared: it passes the request on to the
/// waiting caller whose deadline comes first, which asks by its own budget and deadline, the
/// others waiting on. One no retry cures (the token refused, a page that cannot be read) is every
/// waiting caller's: asked again in turn, it would only be refused again, once per caller.
/// When the connector writes into the stream (a reply) it forgets the answers, and a later caller
/// neither gets nor joins one asked before.
final class WildberriesEventReads: Sendable {
    /// Beside `window`, a bound on the answers kept (distinct `next`s), which Wildberries'
    /// allowance keeps far lower.
    static let capacity = 64
    /// The oldest answer given instead of waiting for the budget (at least the window): within
    /// it, Wildberries' allowance (10 requests in 10 s) has given a request again.
    static let staleLimit: Duration = .seconds(10)

    private enum Turn {
        case answer(WildberriesEventRead)
        /// The request waited on failed in a way that asking again would not change.
        case failure(ConnectorError)
        /// Asks the stream for the callers waiting on it, with an older answer that may stand
        /// in for a wait for the budget.
        case own(standIn: Answer?)
        /// Asks the stream for itself only: it may not wait as the request under way may, or it
        /// was cancelled or reached its deadline while waiting.
        case alone(standIn: Answer?)
    }

    private struct Answer {
        let read: WildberriesEventRead
        /// When it came, unix ms.
        let at: Int64

        /// Within `window` ms of `now`; never when this machine's clock has been set back since.
        func isFresh(now: Int64, window: Int64) -> Bool {
            at <= now && now - at < window
        }
    }

    private struct Waiter {
        let id: UInt64
        let deadline: ContinuousClock.Instant
        let mayWait: Bool
        /// Resumed with its turn and the generation of the flight it waited on.
        let continuation: CheckedContinuation<(Turn, Int), Never>
    }

    /// A request under way: its place, and the generation of answers it belongs to (`forget`).
    private struct FlightKey: Hashable {
        let next: Int64?
        let generation: Int
    }

    private struct Flight {
        /// Whether the caller asking may wait for the budget (it has no stand-in and may wait).
        var waits: Bool
        var waiters: [Waiter] = []
    }

    private struct State {
        var answers: [Int64?: Answer] = [:]
        var flights: [FlightKey: Flight] = [:]
        var generation = 0
        var lastWaiterID: UInt64 = 0

        /// The answer for `next` if it is less than `window` ms old.
        func answer(_ next: Int64?, now: Int64, within window: Int64) -> Answer? {
            answers[next].flatMap { $0.isFresh(now: now, window: window) ? $0 : nil }
        }
    }

    private let state = Mutex(State())
    /// Milliseconds.
    private let window: Int64
    /// Milliseconds (see `staleLimit`).
    private let staleWindow: Int64
    private let unixMilliseconds: @Sendable () -> Int64

    /// Answers given again for `window` after they came (none when zero), by the time of day
    /// (`unixMilliseconds`), which a reading's seconds go by too.
    init(window: Duration, unixMilliseconds: @escaping @Sendable () -> Int64) {
        let (seconds, attoseconds) = window.components
        self.window = max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        staleWindow = max(self.window, Self.staleLimit.components.seconds * 1000)
        self.unixMilliseconds = unixMilliseconds
    }

    /// Requests under way, for tests.
    var askingForTesting: Int {
        state.withLock { $0.flights.count }
    }

    /// Callers waiting on another's answer, for tests.
    var waitersForTesting: Int {
        state.withLock { $0.flights.values.reduce(0) { $0 + $1.waiters.count } }
    }

    /// The stream's page from `next`: an answer that came less than `window` ago, or the answer
    /// of another caller asking it now, or else `fetch`'s: `fetch(true)` asks only with a
    /// request to spare and fails with `upstreamRateLimited` rather than wait for the budget, as
    /// when an answer less than `staleLimit` old can stand in, or when the caller may not wait
    /// (`mayWait` false); `fetch(false)` waits as the caller's budget says.
    func read(next: Int64?, deadline: ContinuousClock.Instant, mayWait: Bool,
              fetch: (_ spareOnly: Bool) async throws(ConnectorError) -> WildberriesEventRead) async throws(ConnectorError) -> WildberriesEventRead {
        guard window > 0 else { return try await fetch(!mayWait) }
        let id = state.withLock { s in
            s.lastWaiterID &+= 1
            return s.lastWaiterID
        }
        var timer: Task<Void, Never>?
        let (turn, generation) = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<(Turn, Int), Never>) in
                let (turn, generation): (Turn?, Int) = state.withLock { s in
                    let now = unixMilliseconds()
                    let key = FlightKey(next: next, generation: s.generation)
                    if let answer = s.answer(next, now: now, within: window) { return (.answer(answer.read), s.generation) }
                    let standIn = s.answer(next, now: now, within: staleWindow)
                    guard let flight = s.flights[key] else {
                        s.flights[key] = Flight(waits: mayWait && standIn == nil)
                        return (.own(standIn: standIn), s.generation)
                    }
                    // Checked under the lock the cancellation handler takes: cancelled after it,
                    // the caller is found among the waiters and let go.
                    guard mayWait || !flight.waits, !Task.isCancelled else { return (.alone(standIn: standIn), s.generation) }
                    s.flights[key]?.waiters.append(Waiter(id: id, deadline: deadline, mayWait: mayWait, continuation: continuation))
                    return (nil, s.generation)
                }
                if let turn {
                    continuation.resume(returning: (turn, generation))
                } else {
                    // Let go at its deadline: asking for itself then fails as its own request would.
                    timer = Task { [self] in
                        guard (try? await Task.sleep(until: deadline, clock: .continuous)) != nil else { return }
                        letGo(id)
                    }
                }
            }
        } onCancel: {
            letGo(id)
        }
        timer?.cancel()
        switch turn {
        case .answer(let read):
            return read
        case .failure(let error):
            throw error
        case .alone(let standIn):
            let (read, isNew) = try await ask(fetch, standIn: standIn, mayWait: mayWait)
            if isNew { keep(read, next: next, generation: generation) }
            return read
        case .own(let standIn):
            return try await own(next: next, generation: generation, standIn: standIn, mayWait: mayWait, fetch: fetch)
        }
    }

    /// Gives no answer again, and lets no later caller join a request under way: the stream
    /// has changed in a way the caller knows of.
    func forget() {
        state.withLock { s in
            s.answers.removeAll()
            s.generation += 1
        }
    }

    /// Asks for the flight of `next` in `generation`: its answer goes to every caller waiting
    /// on it, and so does a failure that is not retryable; another failure goes to the first of
    /// them by deadline, which asks in turn.
    private func own(next: Int64?, generation: Int, standIn: Answer?, mayWait: Bool,
                     fetch: (_ spareOnly: Bool) async throws(ConnectorError) -> WildberriesEventRead) async throws(ConnectorError) -> WildberriesEventRead {
        let key = FlightKey(next: next, generation: generation)
        let read: WildberriesEventRead
        do {
            let (answer, isNew) = try await ask(fetch, standIn: standIn, mayWait: mayWait)
            // A stand-in is kept as it came: given again, it would never grow old.
            if isNew { keep(answer, next: next, generation: generation) }
            read = answer
        } catch {
            guard error.isRetryable else {
                for waiter in state.withLock({ $0.flights.removeValue(forKey: key)?.waiters ?? [] }) {
                    waiter.continuation.resume(returning: (.failure(error), generation))
                }
                throw error
            }
            // The waiter first by deadline asks next; one that may not wait for the budget is let
            // go when the next asker may, to ask for itself.
            let (successor, standIn, released): (Waiter?, Answer?, [Waiter]) = state.withLock { s in
                let standIn = s.answer(next, now: unixMilliseconds(), within: staleWindow)
                guard var flight = s.flights[key],
                      let first = flight.waiters.indices.min(by: { flight.waiters[$0].deadline < flight.waiters[$1].deadline }) else {
                    s.flights[key] = nil
                    return (nil, standIn, [])
                }
                let successor = flight.waiters.remove(at: first)
                flight.waits = successor.mayWait && standIn == nil
                var released: [Waiter] = []
                if flight.waits {
                    released = flight.waiters.filter { !$0.mayWait }
                    flight.waiters.removeAll { !$0.mayWait }
                }
                s.flights[key] = flight
                return (successor, standIn, released)
            }
            successor?.continuation.resume(returning: (.own(standIn: standIn), generation))
            for waiter in released { waiter.continuation.resume(returning: (.alone(standIn: standIn), generation)) }
            throw error
        }
        for waiter in state.withLock({ $0.flights.removeValue(forKey: key)?.waiters ?? [] }) {
            waiter.continuation.resume(returning: (.answer(read), generation))
        }
        return read
    }

    /// `fetch`'s answer (`isNew`); with a `standIn`, asked with a request to spare, and the
    /// stand-in given when there is none; when that one attempt fails otherwise in a way a retry
    /// may cure, asked again as without one by a caller that may wait, the stand-in given if that
    /// is refused for rate. A stand-in that has grown older than `staleLimit` meanwhile (a slow
    /// attempt) is not given.
    private func ask(_ fetch: (_ spareOnly: Bool) async throws(ConnectorError) -> WildberriesEventRead,
                     standIn: Answer?, mayWait: Bool) async throws(ConnectorError) -> (read: WildberriesEventRead, isNew: Bool) {
        guard let standIn else { return (try await fetch(!mayWait), true) }
        func stands(after error: ConnectorError) -> Bool {
            guard case .upstreamRateLimited = error else { return false }
            return standIn.isFresh(now: unixMilliseconds(), window: staleWindow)
        }
        do {
            return (try await fetch(true), true)
        } catch {
            if stands(after: error) { return (standIn.read, false) }
            guard mayWait, error.isRetryable else { throw error }
            do {
                return (try await fetch(false), true)
            } catch {
                if stands(after: error) { return (standIn.read, false) }
                throw error
            }
        }
    }

    /// A waiting caller whose task was cancelled, or whose deadline has come: it stops waiting and
    /// asks for itself (which, cancelled or out of time, ends at once).
    private func letGo(_ id: UInt64) {
        let found: (Waiter, Int)? = state.withLock { s in
            for (key, flight) in s.flights {
                guard let index = flight.waiters.firstIndex(where: { $0.id == id }) else { continue }
                guard let waiter = s.flights[key]?.waiters.remove(at: index) else { return nil }
                return (waiter, key.generation)
            }
            return nil
        }
        if let (waiter, generation) = found { waiter.continuation.resume(returning: (.alone(standIn: nil), generation)) }
    }

    private func keep(_ read: WildberriesEventRead, next: Int64?, generation: Int) {
        state.withLock { s in
            let now = unixMilliseconds()
            // Asked before the stream changed (`forget`): not given to a caller after it.
            guard generation == s.generation else { return }
            // A request asked later (by a caller that asked for itself) was answered first.
            if let kept = s.answers[next], kept.isFresh(now: now, window: staleWindow), kept.read.askedAt > read.askedAt { return }
            s.answers = s.answers.filter { $0.value.isFresh(now: now, window: staleWindow) }
            if s.answers[next] == nil, s.answers.count >= Self.capacity, let oldest = s.answers.min(by: { $0.value.at < $1.value.at }) {
                s.answers.removeValue(forKey: oldest.key)
            }
            s.answers[next] = Answer(read: read, at: now)
        }
    }
}

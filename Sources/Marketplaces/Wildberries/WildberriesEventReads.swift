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
/// A failure is not shared: a caller that waited on one asks for itself, by its own budget and
/// deadline. The connector forgets the answers when it writes into the stream (a reply).
///
/// Past the window, an answer less than `staleLimit` old is still worth more than a wait for the
/// budget: the stream is asked again only with a request to spare (`fetch(true)`, the budget's
/// `atHand`, which leaves one for the credential's other calls), and without one the old answer
/// is given. Many clients polling then take what the allowance gives and wait for none of it;
/// their news comes later, as late as `staleLimit` while the allowance is spent.
final class WildberriesEventReads: Sendable {
    /// Beside `window`, a bound on the answers kept (distinct `next`s), which Wildberries'
    /// allowance keeps far lower.
    static let capacity = 64
    /// The oldest answer given instead of waiting for the budget (at least the window): within
    /// it, Wildberries' allowance (10 requests in 10 s) has given a request again.
    static let staleLimit: Duration = .seconds(10)

    private enum Turn {
        case answer(WildberriesEventRead)
        /// Asks the stream, with an older answer that may stand in for a wait for the budget.
        case own(standIn: WildberriesEventRead?)
        /// The answer waited for failed.
        case failed
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

    private struct State {
        var answers: [Int64?: Answer] = [:]
        /// The callers waiting on an answer another caller is asking for, by its `next`.
        var waiting: [Int64?: [CheckedContinuation<Turn, Never>]] = [:]
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

    /// Places being asked for, for tests.
    var askingForTesting: Int {
        state.withLock { $0.waiting.count }
    }

    /// Callers waiting on another's answer, for tests.
    var waitersForTesting: Int {
        state.withLock { $0.waiting.values.reduce(0) { $0 + $1.count } }
    }

    /// The stream's page from `next`: an answer that came less than `window` ago, or the answer
    /// of another caller asking it now, or else `fetch`'s: `fetch(true)` when an answer less than
    /// `staleLimit` old can stand in for it, which then fails with `upstreamRateLimited` rather
    /// than wait for the budget, and `fetch(false)` otherwise.
    func read(next: Int64?, fetch: (_ spareOnly: Bool) async throws(ConnectorError) -> WildberriesEventRead) async throws(ConnectorError) -> WildberriesEventRead {
        guard window > 0 else { return try await fetch(false) }
        let turn = await withCheckedContinuation { (continuation: CheckedContinuation<Turn, Never>) in
            let now = unixMilliseconds()
            let turn: Turn? = state.withLock { s in
                if let answer = s.answers[next], answer.isFresh(now: now, window: window) { return .answer(answer.read) }
                if s.waiting[next] != nil {
                    s.waiting[next]?.append(continuation)
                    return nil
                }
                s.waiting[next] = []
                return .own(standIn: s.answers[next].flatMap { $0.isFresh(now: now, window: staleWindow) ? $0.read : nil })
            }
            if let turn { continuation.resume(returning: turn) }
        }
        switch turn {
        case .answer(let read):
            return read
        case .failed:
            let read = try await fetch(false)
            keep(read, next: next)
            return read
        case .own(let standIn):
            let read: WildberriesEventRead
            do {
                let (answer, isNew) = try await ask(fetch, standIn: standIn)
                // A stand-in is kept as it came: given again, it would never grow old.
                if isNew { keep(answer, next: next) }
                read = answer
            } catch {
                for waiter in state.withLock({ $0.waiting.removeValue(forKey: next) ?? [] }) { waiter.resume(returning: .failed) }
                throw error
            }
            for waiter in state.withLock({ $0.waiting.removeValue(forKey: next) ?? [] }) { waiter.resume(returning: .answer(read)) }
            return read
        }
    }

    /// `fetch`'s answer (`isNew`); with a `standIn`, asked with a request to spare, and the
    /// stand-in given when there is none; when that one attempt fails otherwise, asked again as
    /// without one.
    private func ask(_ fetch: (_ spareOnly: Bool) async throws(ConnectorError) -> WildberriesEventRead,
                     standIn: WildberriesEventRead?) async throws(ConnectorError) -> (read: WildberriesEventRead, isNew: Bool) {
        guard let standIn else { return (try await fetch(false), true) }
        do {
            return (try await fetch(true), true)
        } catch {
            if case .upstreamRateLimited = error { return (standIn, false) }
            return (try await fetch(false), true)
        }
    }

    /// Gives no answer again: the stream has changed in a way the caller knows of.
    func forget() {
        state.withLock { $0.answers.removeAll() }
    }

    private func keep(_ read: WildberriesEventRead, next: Int64?) {
        let now = unixMilliseconds()
        state.withLock { s in
            s.answers = s.answers.filter { $0.value.isFresh(now: now, window: staleWindow) }
            if s.answers.count >= Self.capacity, let oldest = s.answers.min(by: { $0.value.at < $1.value.at }) {
                s.answers.removeValue(forKey: oldest.key)
            }
            s.answers[next] = Answer(read: read, at: now)
        }
    }
}

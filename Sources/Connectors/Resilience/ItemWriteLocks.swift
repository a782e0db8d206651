import Synchronization

/// One write at a time per item: a connector that reads an item, compares and then writes (a
/// Wildberries answer, whose one edit a second write would spend) runs that sequence under the
/// item's lock, so two replies that arrive together, without an `Idempotency-Key` to tell them
/// apart, are taken one after the other and the second sees what the first wrote. Waiters go in
/// arrival order; a waiter whose task is cancelled, or whose deadline passes, leaves the line at
/// once: a keyed write runs on after its client has gone, so only its deadline ends its wait.
public final class ItemWriteLocks: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        /// The items whose lock is held, with who waits for it.
        var held: [String: [Waiter]] = [:]
        var nextID: UInt64 = 0
        /// Waiters neither let in nor given up yet: giving up one not in it does nothing.
        var waiting: Set<UInt64> = []
    }

    private let state = Mutex(State())

    /// No lock held.
    public init() {}

    /// Items whose lock is held now.
    var heldCount: Int { state.withLock { $0.held.count } }

    /// Writes in line for `key`'s lock.
    func waiterCount(_ key: String) -> Int { state.withLock { $0.held[key]?.count ?? 0 } }

    /// Waiters neither let in nor given up: none once every write has ended.
    var waitingCount: Int { state.withLock { $0.waiting.count } }

    /// Runs `body` holding `key`'s lock, after the writes to it that came first. A task cancelled
    /// while it waits, or still waiting at `deadline` (by `clock`), gets `upstreamTimeout` saying
    /// nothing was sent.
    public func withLock<T>(_ key: String, marketplace: Marketplace, until deadline: ContinuousClock.Instant? = nil,
                            clock: any ResilienceClock = SystemResilienceClock(),
                            _ body: () async throws(ConnectorError) -> T) async throws(ConnectorError) -> T {
        let id = state.withLock { state -> UInt64? in
            guard state.held[key] != nil else {
                state.held[key] = []
                return nil
            }
            state.nextID &+= 1
            state.waiting.insert(state.nextID)
            return state.nextID
        }
        if let id {
            guard await wait(for: key, id: id, until: deadline, clock: clock) else {
                throw .upstreamTimeout(UpstreamFailure(
                    marketplace: marketplace, status: nil,
                    message: (Task.isCancelled ? "cancelled" : "the deadline passed")
                        + " while another write to the same item ran (nothing was sent)"))
            }
        }
        defer { release(key) }
        return try await body()
    }

    private func wait(for key: String, id: UInt64, until deadline: ContinuousClock.Instant?, clock: any ResilienceClock) async -> Bool {
        if let deadline, deadline <= clock.now { giveUp(key, id) }
        let timer = Mutex<Task<Void, Never>?>(nil)
        let granted = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let answer = state.withLock { state -> Bool? in
                    // Given up before it got in line.
                    guard state.waiting.contains(id) else { return false }
                    guard state.held[key] != nil else {
                        // Released since this task found it held.
                        state.held[key] = []
                        state.waiting.remove(id)
                        return true
                    }
                    state.held[key]?.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let answer {
                    continuation.resume(returning: answer)
                    return
                }
                guard let deadline else { return }
                timer.withLock { timer in
                    timer = Task { [self] in
                        // Cancelled once the wait is over: nothing to give up then.
                        guard (try? await clock.sleep(until: deadline)) != nil else { return }
                        giveUp(key, id)
                    }
                }
            }
        } onCancel: {
            giveUp(key, id)
        }
        timer.withLock { $0?.cancel() }
        return granted
    }

    /// Tells waiter `id` it is not let in: at once when it is in line, or when it gets there.
    /// One let in already is left be.
    private func giveUp(_ key: String, _ id: UInt64) {
        let waiter = state.withLock { state -> Waiter? in
            guard state.waiting.remove(id) != nil else { return nil }
            guard let index = state.held[key]?.firstIndex(where: { $0.id == id }) else { return nil }
            return state.held[key]?.remove(at: index)
        }
        waiter?.continuation.resume(returning: false)
    }

    private func release(_ key: String) {
        let next = state.withLock { state -> Waiter? in
            guard var waiters = state.held[key], !waiters.isEmpty else {
                state.held[key] = nil
                return nil
            }
            let next = waiters.removeFirst()
            state.held[key] = waiters
            state.waiting.remove(next.id)
            return next
        }
        next?.continuation.resume(returning: true)
    }
}

import Synchronization

/// How many calls of one upstream client may be out at once: as many as it keeps connections
/// for (`UpstreamClient.connectionLimit`). `UpstreamCaller` takes a permit before a slot of the
/// rate budget, so that a slot is spent when the call can go out at once. Calls that queued
/// inside the client for a connection instead would hold slots already spent, and go out
/// together the moment connections came free (the calls before them timing out, say), far
/// faster than the budget allows and with their time nearly gone.
///
/// Waiters are served in order; a waiter gives up at its deadline or when its task is
/// cancelled, and its place goes to the next.
public final class ConnectionPermits: Sendable {
    /// Permits in all.
    public let limit: Int
    private let clock: any ResilienceClock

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var inUse = 0
        var waiters: [Waiter] = []
        var lastID: UInt64 = 0
    }

    private let state = Mutex(State())

    /// `limit` permits (at least one); `clock` times the waits' deadlines (a manual one in tests).
    public init(limit: Int, clock: any ResilienceClock = SystemResilienceClock()) {
        self.limit = max(1, limit)
        self.clock = clock
    }

    /// Whether a permit is free now with nobody waiting before.
    public var hasRoom: Bool {
        state.withLock { $0.inUse < limit && $0.waiters.isEmpty }
    }

    /// Permits taken now.
    public var inUse: Int { state.withLock { $0.inUse } }

    /// Callers waiting in line for a permit.
    public var waitingCount: Int { state.withLock { $0.waiters.count } }

    /// Takes a permit free now, never waiting. Whether it took one.
    public func tryAcquire() -> Bool {
        state.withLock { state in
            guard state.inUse < limit, state.waiters.isEmpty else { return false }
            state.inUse += 1
            return true
        }
    }

    /// Takes a permit, waiting behind earlier waiters until `deadline` at most. False when the
    /// deadline came first or the task was cancelled: the caller then holds none.
    public func acquire(until deadline: ContinuousClock.Instant) async -> Bool {
        if tryAcquire() { return true }
        guard deadline > clock.now else { return false }
        let id = state.withLock { state -> UInt64 in
            state.lastID &+= 1
            return state.lastID
        }
        let timer = Mutex<Task<Void, Never>?>(nil)
        let granted = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                // Cancelled before this point: the handler found no waiter, so none is added.
                let answer: Bool? = state.withLock { state in
                    if Task.isCancelled { return false }
                    if state.inUse < limit, state.waiters.isEmpty {
                        state.inUse += 1
                        return true
                    }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let answer {
                    continuation.resume(returning: answer)
                    return
                }
                let clock = clock
                timer.withLock { timer in
                    timer = Task { [self] in
                        try? await clock.sleep(until: deadline)
                        giveUp(id)
                    }
                }
            }
        } onCancel: {
            giveUp(id)
        }
        timer.withLock { $0?.cancel() }
        return granted
    }

    /// Gives a permit back: to the first waiter when there is one.
    public func release() {
        let next: Waiter? = state.withLock { state in
            guard !state.waiters.isEmpty else {
                state.inUse = max(0, state.inUse - 1)
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.continuation.resume(returning: true)
    }

    /// A waiter's deadline passed or its task was cancelled: it leaves the line, holding nothing.
    private func giveUp(_ id: UInt64) {
        let waiter: Waiter? = state.withLock { state in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume(returning: false)
    }
}

import Synchronization

/// One write at a time per item: a connector that reads an item, compares and then writes (a
/// Wildberries answer, whose one edit a second write would spend) runs that sequence under the
/// item's lock, so two replies that arrive together, without an `Idempotency-Key` to tell them
/// apart, are taken one after the other and the second sees what the first wrote. Waiters go in
/// arrival order; a waiter whose task is cancelled leaves the line at once. A wait is bounded by
/// the write ahead of it, which its own deadline bounds.
public final class ItemWriteLocks: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        /// The items whose lock is held, with who waits for it.
        var held: [String: [Waiter]] = [:]
        var nextID: UInt64 = 0
        /// Waiters cancelled before they were in line, or after they were let in.
        var cancelled: Set<UInt64> = []
    }

    private let state = Mutex(State())

    /// No lock held.
    public init() {}

    /// Items whose lock is held now.
    var heldCount: Int { state.withLock { $0.held.count } }

    /// Writes in line for `key`'s lock.
    func waiterCount(_ key: String) -> Int { state.withLock { $0.held[key]?.count ?? 0 } }

    /// Runs `body` holding `key`'s lock, after the writes to it that came first. A task cancelled
    /// while it waits gets `upstreamTimeout` saying nothing was sent.
    public func withLock<T>(_ key: String, marketplace: Marketplace,
                            _ body: () async throws(ConnectorError) -> T) async throws(ConnectorError) -> T {
        let id = state.withLock { state -> UInt64? in
            guard state.held[key] != nil else {
                state.held[key] = []
                return nil
            }
            state.nextID &+= 1
            return state.nextID
        }
        if let id {
            guard await wait(for: key, id: id) else {
                throw .upstreamTimeout(UpstreamFailure(marketplace: marketplace, status: nil,
                                                       message: "cancelled while another write to the same item ran (nothing was sent)"))
            }
        }
        defer { release(key, id: id) }
        return try await body()
    }

    private func wait(for key: String, id: UInt64) async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let answer = state.withLock { state -> Bool? in
                    if state.cancelled.remove(id) != nil { return false }
                    guard state.held[key] != nil else {
                        // Released since this task found it held.
                        state.held[key] = []
                        return true
                    }
                    state.held[key]?.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let answer { continuation.resume(returning: answer) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                if let index = state.held[key]?.firstIndex(where: { $0.id == id }) {
                    return state.held[key]?.remove(at: index)
                }
                // Not in line yet (it is told when it gets there), or let in already (`release`
                // forgets it).
                state.cancelled.insert(id)
                return nil
            }
            waiter?.continuation.resume(returning: false)
        }
    }

    private func release(_ key: String, id: UInt64?) {
        let next = state.withLock { state -> Waiter? in
            if let id { state.cancelled.remove(id) }
            guard var waiters = state.held[key], !waiters.isEmpty else {
                state.held[key] = nil
                return nil
            }
            let next = waiters.removeFirst()
            state.held[key] = waiters
            return next
        }
        next?.continuation.resume(returning: true)
    }
}

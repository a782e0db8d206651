import Synchronization

/// State every loop of one server shares: the connection id sequence and who waits for the end.
final class ServerShared: Sendable {
    private let connectionIDs = Atomic<UInt64>(0)
    private let finish = Mutex<(running: Int, waiters: [CheckedContinuation<Void, Never>])>((0, []))

    func nextConnectionID() -> UInt64 {
        connectionIDs.wrappingAdd(1, ordering: .relaxed).newValue
    }

    func loopStarted() {
        finish.withLock { $0.running += 1 }
    }

    func loopFinished() {
        let waiters = finish.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.running -= 1
            guard state.running == 0 else { return [] }
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once no loop runs any more.
    func waitUntilFinished() async {
        await withCheckedContinuation { continuation in
            let done = finish.withLock { state -> Bool in
                if state.running == 0 { return true }
                state.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }
}

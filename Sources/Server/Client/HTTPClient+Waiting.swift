extension HTTPClient {
    /// Calls to this origin waiting in the shared client loop's pool (calls made off any server
    /// loop wait there): an observable for tests that must know a call is in line before they go
    /// on, instead of sleeping and hoping it is.
    func waitingOnSharedLoop() async -> Int {
        guard case .success(let loop) = ClientLoop.shared else { return 0 }
        return await waiting(on: loop)
    }

    /// Calls to this origin waiting in `loop`'s pool: `waitingOnSharedLoop` for calls made on a
    /// server's loop.
    func waiting(on loop: LoopBound<EventLoop>) async -> Int {
        let id = self.id
        return await withUnsafeContinuation { continuation in
            loop.withValue({ loop in continuation.resume(returning: loop.clientPools[id]?.waitingCount ?? 0) },
                           ifStopped: { continuation.resume(returning: 0) })
        }
    }
}

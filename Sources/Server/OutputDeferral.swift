import CSystem

/// Work that must not hold up a response: on an event loop's thread it runs once that turn's
/// responses have been written to their sockets; on any other thread, at once.
///
/// A handler's side work that wakes another thread (handing a log line to its writer) would
/// otherwise do so between the handler's return and the write of its response, and on a busy
/// core the woken thread can run first: the caller then waits for it.
public enum OutputDeferral {
    /// Runs `body` after the current loop turn's output, or now when not on a loop thread.
    public static func afterOutput(_ body: @escaping () -> Void) {
        guard let loop = EventLoop.onThisThread else {
            body()
            return
        }
        loop.deferUntilFlushed(body)
    }
}

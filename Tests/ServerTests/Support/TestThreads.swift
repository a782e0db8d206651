import Glibc

/// Runs blocking client work on real threads (not Swift's small cooperative pool), so many
/// clients can block in recv at once.
enum TestThreads {
    private final class Box: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    /// Runs `body(i)` for every i in 0..<count, each on its own thread, and waits for all.
    /// Every body must be bounded (client calls time out), so this returns.
    static func run(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        var threads: [pthread_t] = []
        for i in 0..<count {
            let box = Unmanaged.passRetained(Box { body(i) })
            var thread = pthread_t()
            let rc = pthread_create(&thread, nil, { raw in
                let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
                box.body()
                return nil
            }, box.toOpaque())
            precondition(rc == 0, "pthread_create failed: \(rc)")
            threads.append(thread)
        }
        for thread in threads { pthread_join(thread, nil) }
    }

    /// Starts `body` on a new thread now; `join()` the result to wait for it.
    static func start(_ body: @escaping @Sendable () -> Void) -> Joinable {
        let box = Unmanaged.passRetained(Box(body))
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            return nil
        }, box.toOpaque())
        precondition(rc == 0, "pthread_create failed: \(rc)")
        return Joinable(thread: thread)
    }

    struct Joinable {
        let thread: pthread_t
        func join() { pthread_join(thread, nil) }
    }

    /// The calling thread's name (what the server set with pthread_setname_np), read from
    /// /proc/thread-self/comm.
    static func currentName() -> String {
        let fd = open("/proc/thread-self/comm", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "<unreadable>" }
        defer { _ = close(fd) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return "<unreadable>" }
        var name = Array(buffer[0..<n])
        while name.last == 10 { name.removeLast() }
        return String(decoding: name, as: UTF8.self)
    }
}

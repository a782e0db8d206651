import CSystem
import Glibc

/// Delivers process signals (SIGTERM, SIGINT…) as an async sequence. A C handler writes each
/// signal's number to a pipe (the self-pipe trick: async-signal-safe, and independent of which
/// thread the kernel picks), and a thread of its own reads the pipe; no Swift code runs in
/// signal context and no Dispatch queue is involved.
///
/// One waiter per process: signal dispositions are process-wide. Its thread unblocks the
/// watched signals, so they arrive even when every other thread blocks them.
public final class SignalWaiter: Sendable {
    /// One signal, and when its number was read off the pipe (at once, on the waiter's own
    /// thread): a signal waiting in the stream while the process is busy keeps the time it came.
    public struct Arrival: Sendable, Equatable {
        public let signal: Int32
        public let at: ContinuousClock.Instant
    }

    /// Each signal as it arrives.
    public let signals: AsyncStream<Arrival>
    private let thread: LoopThread

    /// Whether `signal` came ignored from the parent (`nohup` does so with SIGHUP): such a signal
    /// is best left ignored rather than watched.
    public static func isIgnored(_ signal: Int32) -> Bool {
        cs_signal_is_ignored(signal) != 0
    }

    /// Starts watching `watched` (SIGTERM, SIGINT…), replacing their handlers for the rest of the
    /// process's life. Throws when the pipe, a handler or the reader thread cannot be set up.
    public init(_ watched: [Int32]) throws(IOError) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw IOError.last("pipe") }
        let (readFD, writeFD) = (fds[0], fds[1])
        _ = fcntl(readFD, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeFD, F_SETFD, FD_CLOEXEC)
        // The handler must never block the thread the kernel picked (a loop's, perhaps): with the
        // pipe full (thousands of signals unread) one more is dropped, not waited on.
        _ = fcntl(writeFD, F_SETFL, fcntl(writeFD, F_GETFL) | O_NONBLOCK)
        for signal in watched where cs_forward_signal(signal, writeFD) != 0 {
            let error = IOError.last("sigaction")
            // Nothing may write to the number once closed: another file may get it.
            cs_signal_forwarding_off()
            _ = close(readFD)
            _ = close(writeFD)
            throw error
        }
        let (stream, continuation) = AsyncStream<Arrival>.makeStream(bufferingPolicy: .unbounded)
        signals = stream
        do {
            thread = try LoopThread(name: "signals") {
                // Threads inherit their creator's mask, and Dispatch's workers block every
                // signal: without this, a process whose threads all block the signal never
                // runs the handler. This thread always takes them.
                for signal in watched { _ = cs_unblock_signal(signal) }
                var byte: UInt8 = 0
                while true {
                    let n = read(readFD, &byte, 1)
                    if n == 1 {
                        continuation.yield(Arrival(signal: Int32(byte), at: .now))
                    } else if n < 0, errno == EINTR {
                        continue
                    } else {
                        continuation.finish()
                        return
                    }
                }
            }
        } catch {
            cs_signal_forwarding_off()
            _ = close(readFD)
            _ = close(writeFD)
            throw error
        }
    }
}

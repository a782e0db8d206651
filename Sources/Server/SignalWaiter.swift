import CSystem
import Glibc

/// Delivers process signals (SIGTERM, SIGINT…) as an async sequence, through a signalfd read on
/// a thread of its own: no handler runs in signal context, and no Dispatch queue is involved.
///
/// Create it before starting any thread (before `HTTPServer.start()`): it blocks the signals in
/// the calling thread, and threads started afterwards inherit that mask, so the signalfd is the
/// only place the signals go.
public final class SignalWaiter: Sendable {
    /// Each signal number as it arrives.
    public let signals: AsyncStream<Int32>
    private let thread: LoopThread

    public init(_ watched: [Int32]) throws(IOError) {
        for signal in watched {
            let rc = cs_block_signal(signal)
            guard rc == 0 else { throw IOError("pthread_sigmask", errno: rc) }
        }
        let fd = watched.withUnsafeBufferPointer { cs_signalfd($0.baseAddress, Int32($0.count)) }
        guard fd >= 0 else { throw IOError.last("signalfd") }
        let (stream, continuation) = AsyncStream<Int32>.makeStream(bufferingPolicy: .unbounded)
        signals = stream
        do {
            thread = try LoopThread(name: "signals") {
                var info = signalfd_siginfo()
                while true {
                    let n = read(fd, &info, MemoryLayout<signalfd_siginfo>.size)
                    if n == MemoryLayout<signalfd_siginfo>.size {
                        continuation.yield(Int32(info.ssi_signo))
                    } else if n < 0, errno == EINTR {
                        continue
                    } else {
                        continuation.finish()
                        return
                    }
                }
            }
        } catch {
            _ = close(fd)
            throw error
        }
    }
}

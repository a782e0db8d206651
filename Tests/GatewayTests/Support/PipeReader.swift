import Foundation
import Synchronization

/// The reading end of a child process's output pipe, read to its end by a thread of its own into
/// a `TextBuffer`. Not Foundation's `readabilityHandler`: its Dispatch source on Linux is edge
/// triggered, and when the last data and the end of file come together it reads one block of
/// the data (8 KiB at most) and is not called again, so the tail and the end can go unseen.
final class PipeReader: Sendable {
    let buffer = TextBuffer()
    private let state = Mutex<(paused: Bool, ended: Bool)>((false, false))

    /// Starts reading `fd` (the reading end of a pipe from `pipe()`), which it closes at the end.
    init(_ fd: Int32) {
        Thread { [self] in
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                // Paused, it reads nothing more (the read it was in, if any, ends first).
                while state.withLock({ $0.paused }) { usleep(5_000) }
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    buffer.append(Data(chunk[0..<n]))
                } else if n < 0, errno == EINTR {
                    continue
                } else {
                    close(fd)
                    state.withLock { $0.ended = true }
                    return
                }
            }
        }.start()
    }

    /// A pipe whose ends are close-on-exec from the start (`pipe2`). Foundation's `Pipe` makes
    /// them inheritable, and a child that another test spawns at that moment keeps a copy of the
    /// write end (Foundation closes in a child only the descriptors open when it began preparing
    /// it): the reader then sees no end of file until that child exits. The child meant to have
    /// an end gets it through `Process.standardOutput` (…Error, …Input), which duplicates it onto
    /// 0, 1 or 2 without the flag; the parent closes its copy once the child runs.
    static func pipe() throws -> (reading: Int32, writing: FileHandle) {
        var fds: [Int32] = [-1, -1]
        guard pipe2(&fds, O_CLOEXEC) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        return (fds[0], FileHandle(fileDescriptor: fds[1], closeOnDealloc: true))
    }

    /// Everything read so far.
    var text: String { buffer.text }

    /// True once every writer closed the pipe (the child exited) and all they wrote was read.
    var atEnd: Bool { state.withLock { $0.ended } }

    /// Stops reading: the pipe fills, as a stalled reader's would. `resume()` reads on.
    func pause() {
        state.withLock { $0.paused = true }
    }

    func resume() {
        state.withLock { $0.paused = false }
    }

    /// Waits, polling, until every reader in `readers` reached its end or `deadline` passed;
    /// returns whether they all did. Blocks the calling thread (for synchronous callers).
    static func waitForEnd(of readers: [PipeReader], until deadline: ContinuousClock.Instant) -> Bool {
        while !readers.allSatisfy(\.atEnd) {
            guard ContinuousClock.now < deadline else { return false }
            usleep(5_000)
        }
        return true
    }

    /// As `waitForEnd(of:until:)`, suspending instead of blocking.
    static func waitForEnd(of readers: [PipeReader], until deadline: ContinuousClock.Instant) async -> Bool {
        while !readers.allSatisfy(\.atEnd) {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }
}

/// glibc's `pipe2`, which its headers declare only for `_GNU_SOURCE` (so Glibc does not import it).
private let pipe2: @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32 = {
    guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "pipe2") else { fatalError("no pipe2 in this C library") }
    return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32).self)
}()

import Connectors
import Dispatch
import Glibc
import Server
import Synchronization

/// Where log lines go: stdout by default. Lines are appended to a buffer that a serial queue
/// writes out, one wake-up per batch rather than per line, so a slow reader of stdout (a full
/// pipe) never blocks an event loop and a busy gateway does not pay a thread wake-up per request.
/// Past `maxPending` bytes waiting, new lines are dropped rather than buffered without bound.
public final class LogSink: Sendable {
    /// How much is logged: `LOG_LEVEL`. Request lines are `info`.
    public enum Level: Int, Sendable, Comparable {
        case debug, info, warn, error, off

        /// The level a `LOG_LEVEL` value names, without regard to case (`warning` for `warn`, `none`
        /// for `off`); nil for anything else.
        public init?(name: String) {
            switch name.lowercased() {
            case "debug": self = .debug
            case "info": self = .info
            case "warn", "warning": self = .warn
            case "error": self = .error
            case "off", "none": self = .off
            default: return nil
            }
        }

        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    private struct Buffer {
        var bytes: [UInt8] = []
        /// Lines dropped since the last write-out, said in a line of their own once there is room.
        var dropped = 0
        /// A write-out is scheduled and will take whatever is in `bytes` when it runs.
        var scheduled = false
        var captured: [String] = []
    }

    private let fd: Int32
    private let queue = DispatchQueue(label: "connector-gateway.log")
    private let buffer = Mutex(Buffer())
    /// Set by `flush`: a write-out waiting for a reader that does not read gives up then.
    private let giveUpAt = Mutex<ContinuousClock.Instant?>(nil)
    private let maxPending: Int
    private let capturing: Bool
    /// Told of the lines dropped (`observeDrops`), off the buffer's lock.
    private let dropObserver = Mutex<(@Sendable (Int) -> Void)?>(nil)
    /// Set once a write to the output has failed for good: said once on stderr.
    private let outputFailed = Atomic(false)
    /// A write-out gave up part way through a line (a flush's patience ran out): the next one
    /// ends that line first, so the line after it is JSON of its own. Used on `queue` alone.
    private let midLine = Atomic(false)
    /// Lines below this level are not written.
    public let level: Level

    /// Writes to `fd` (1: stdout) the lines at `level` or above.
    public init(fd: Int32 = 1, level: Level = .info, maxPending: Int = 4 << 20) {
        self.fd = fd
        self.level = level
        self.maxPending = maxPending
        capturing = false
    }

    private init(capturingAt level: Level) {
        fd = -1
        self.level = level
        maxPending = .max
        capturing = true
    }

    /// A sink that keeps the lines at `level` or above in memory instead of writing them, for tests.
    public static func capturing(level: Level = .debug) -> LogSink {
        LogSink(capturingAt: level)
    }

    /// Calls `body` with the number of lines dropped, for every line dropped from now on: those
    /// refused while the output did not keep up, and those lost when writing them failed (the
    /// reader gone, or given up on at shutdown). The metrics count them, so that lost log lines
    /// can be alerted on, not only read about in the log that lost them (which, its reader gone,
    /// says nothing).
    public func observeDrops(_ body: @escaping @Sendable (Int) -> Void) {
        dropObserver.withLock { $0 = body }
    }

    /// Captured lines (only for a capturing sink).
    public var lines: [String] { buffer.withLock { $0.captured } }

    /// Queues `line` (a newline is added) when `level` is at or above the sink's. Never blocks on
    /// the output: written shortly after, off the calling thread; dropped when too much is waiting,
    /// unless `essential` (a rare event an operator must see, as the journal's failures).
    public func write(_ line: String, level: Level = .info, essential: Bool = false) {
        guard level >= self.level, level != .off else { return }
        enqueue(line, essential: essential)
    }

    /// Queues an event line written at every level (the start, drain and stop lines): as `write`,
    /// never blocking on the output, and after the lines already queued, so no two writers share
    /// stdout. Past `maxPending` it is kept all the same (there are a handful), after the count of
    /// the lines dropped before it; only past twice that is it dropped and counted.
    public func writeEvent(_ line: String) {
        enqueue(line, essential: true)
    }

    private func enqueue(_ line: String, essential: Bool = false) {
        if capturing {
            buffer.withLock { $0.captured.append(line) }
            return
        }
        var dropped = false
        let schedule = buffer.withLock { buffer -> Bool in
            if buffer.bytes.count + line.utf8.count + 1 > maxPending {
                // Past twice the limit even an essential line goes: one logged per failed write
                // of a full disk, with stdout stalled too, must not grow without end.
                guard essential, buffer.bytes.count + line.utf8.count + 1 <= 2 * maxPending else {
                    buffer.dropped += 1
                    dropped = true
                    return false
                }
                if buffer.dropped > 0 {
                    buffer.bytes.append(contentsOf: Self.droppedLine(buffer.dropped).utf8)
                    buffer.dropped = 0
                }
            }
            buffer.bytes.append(contentsOf: line.utf8)
            buffer.bytes.append(UInt8(ascii: "\n"))
            guard !buffer.scheduled else { return false }
            buffer.scheduled = true
            return true
        }
        if dropped, let observer = dropObserver.withLock({ $0 }) { observer(1) }
        // The writer is woken after the loop has written its responses: woken here, it could
        // take the core between a handler's return and the write of that handler's response.
        if schedule { OutputDeferral.afterOutput { [self] in queue.async { [self] in writeOut() } } }
    }

    /// Waits until every accepted line is written (at shutdown), or until `patience` has passed
    /// when nobody reads the output: then what is left is given up, so a stalled log reader
    /// (a blocking pipe whose reader sleeps, a stuck logging driver) cannot keep the process
    /// from exiting. A non-blocking output is given up by the writer itself; a blocking one
    /// holds the writer in `write`, so the wait here has its own limit.
    /// A flush that gave up leaves its deadline set, and one running still has its own: a flush
    /// after or beside it waits no longer than that, so the shutdown's wait for a stalled reader
    /// is one patience, not one for each line written at the end.
    public func flush(patience: Duration = .seconds(5)) {
        // Set before queueing: a write-out already waiting on the queue sees it too.
        let deadline = giveUpAt.withLock { earlier in
            let deadline = min(earlier ?? .now + patience, .now + patience)
            earlier = deadline
            return deadline
        }
        let done = DispatchSemaphore(value: 0)
        queue.async { [self] in
            writeOut()
            done.signal()
        }
        // A little past the deadline: a non-blocking output's writer gives up by itself at its
        // next poll (100 ms), and is done when this returns; only a writer held in a blocking
        // `write` is left behind, its deadline kept. Past the deadline already, no wait at all.
        let left = deadline - .now
        let milliseconds = left > .zero ? Int((left / .milliseconds(1)).rounded(.up)) + 250 : 0
        if done.wait(timeout: .now() + .milliseconds(milliseconds)) == .success {
            giveUpAt.withLock { $0 = nil }
        }
    }

    /// What marks a `droppedLine` among the bytes a failed write left.
    private static let droppedMarker = Array(#""event":"log_lines_dropped""#.utf8)

    /// The line that says how many were lost while the output did not keep up.
    static func droppedLine(_ count: Int) -> String {
        var line = JSONObjectWriter(capacity: 160)
        line.timestamp("time", Timestamp.wallClock())
        line.string("event", "log_lines_dropped")
        line.int("count", count)
        line.string("message", "the log output did not keep up; these lines were not written")
        return String(decoding: line.finish(), as: UTF8.self) + "\n"
    }

    private func writeOut() {
        while true {
            var bytes = buffer.withLock { buffer -> [UInt8] in
                var taken = buffer.bytes
                buffer.bytes = []
                if buffer.dropped > 0 {
                    // After what was waiting, as the lines lost came after it.
                    taken.append(contentsOf: Self.droppedLine(buffer.dropped).utf8)
                    buffer.dropped = 0
                }
                if taken.isEmpty { buffer.scheduled = false }
                return taken
            }
            if bytes.isEmpty { return }
            var offset = 0
            // The line cut before ends first, through the same retries as the rest.
            let wasMidLine = midLine.load(ordering: .relaxed)
            if wasMidLine { bytes.insert(UInt8(ascii: "\n"), at: 0) }
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    offset += n
                } else if n < 0, errno == EINTR {
                    continue
                } else if n < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                    // Output that another process made non-blocking (a shared pipe): wait on this
                    // queue until the reader makes room, as a blocking write would.
                    let deadline = giveUpAt.withLock { $0 }
                    if let deadline, ContinuousClock.now >= deadline { break }
                    var ready = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&ready, 1, 100)
                } else {
                    // The reader is gone (EPIPE) or the descriptor is: nothing can be written.
                    if n < 0, !outputFailed.exchange(true, ordering: .relaxed) {
                        let notice = Array("connector-gateway: writing the log failed (\(String(cString: strerror(errno)))); "
                            .utf8) + Array("log lines are lost from now on, counted in gateway_log_lines_dropped_total\n".utf8)
                        _ = notice.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
                    }
                    break
                }
            }
            if wasMidLine || offset < bytes.count {
                let cut = offset < bytes.count && (offset > 0 ? bytes[offset - 1] != UInt8(ascii: "\n") : wasMidLine)
                midLine.store(cut, ordering: .relaxed)
            }
            if offset < bytes.count {
                // Not a count of lines dropped itself: those it stands for were counted as dropped.
                let lost = bytes[offset...].split(separator: UInt8(ascii: "\n")).count { $0.firstRange(of: Self.droppedMarker) == nil }
                if lost > 0, let observer = dropObserver.withLock({ $0 }) { observer(lost) }
            }
        }
    }
}

import Dispatch
import Glibc
import Synchronization

/// Where log lines go: stdout by default. Lines are handed to a serial queue so a slow reader of
/// stdout (a full pipe) never blocks an event loop; past `maxPending` bytes waiting, new lines are
/// dropped and counted rather than buffered without bound.
public final class LogSink: Sendable {
    private let fd: Int32
    private let queue = DispatchQueue(label: "connector-gateway.log")
    private let pending = Atomic<Int>(0)
    private let dropped = Atomic<Int>(0)
    private let maxPending: Int
    private let captured = Mutex<[String]>([])
    private let capturing: Bool

    /// Writes to `fd` (1: stdout).
    public init(fd: Int32 = 1, maxPending: Int = 4 << 20) {
        self.fd = fd
        self.maxPending = maxPending
        capturing = false
    }

    private init(capturingLines: Bool) {
        fd = -1
        maxPending = .max
        capturing = capturingLines
    }

    /// A sink that keeps lines in memory instead of writing them, for tests.
    public static func capturing() -> LogSink {
        LogSink(capturingLines: true)
    }

    /// Lines dropped because the output could not keep up.
    public var droppedLines: Int { dropped.load(ordering: .relaxed) }

    /// Captured lines (only for a capturing sink).
    public var lines: [String] { captured.withLock { $0 } }

    public func write(_ line: String) {
        if capturing {
            captured.withLock { $0.append(line) }
            return
        }
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        let size = bytes.count
        guard pending.wrappingAdd(size, ordering: .relaxed).newValue <= maxPending else {
            pending.wrappingSubtract(size, ordering: .relaxed)
            dropped.wrappingAdd(1, ordering: .relaxed)
            return
        }
        let fd = fd
        queue.async { [bytes, self] in
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                if n > 0 { offset += n } else if n < 0, errno == EINTR { continue } else { break }
            }
            self.pending.wrappingSubtract(size, ordering: .relaxed)
        }
    }

    /// Waits until every accepted line is written (at shutdown).
    public func flush() {
        queue.sync {}
    }
}

import Foundation
import Glibc
import Synchronization

/// A loopback listener that reads each connection's request head and then never answers: it
/// waits for the client to close, and counts the heads it read and the closes it saw. For calls
/// that must be abandoned on the wire, not only given up on by their caller. Stop it at the end.
final class HoldingServer: Sendable {
    let port: Int
    private let descriptor: Int32
    private let heads = Atomic<Int>(0)
    private let closes = Atomic<Int>(0)

    init() throws {
        (descriptor, port) = try LoopbackListener.open()
        Thread.detachNewThread { [self] in
            while true {
                let connection = accept(descriptor, nil, nil)
                guard connection >= 0 else {
                    if errno == EINTR || errno == ECONNABORTED { continue }
                    // Closed here, not in `stop()`: closed there, the number could be reused by
                    // another test's listener before this thread's next `accept`, which would
                    // then take that test's connections.
                    Glibc.close(descriptor)
                    return
                }
                _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
                Thread.detachNewThread { [self] in hold(connection) }
            }
        }
    }

    var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }
    /// Request heads read in full.
    var requestCount: Int { heads.load(ordering: .relaxed) }
    /// Connections the client closed after sending a head.
    var closeCount: Int { closes.load(ordering: .relaxed) }

    /// Waits until `count` request heads have arrived.
    func waitForRequests(_ count: Int) async {
        while requestCount < count { try? await Task.sleep(for: .milliseconds(5)) }
    }

    /// Whether `count` connections were closed by their client within ten seconds.
    func waitForCloses(_ count: Int) async -> Bool {
        for _ in 0..<1000 {
            if closeCount >= count { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    private func hold(_ connection: Int32) {
        defer { Glibc.close(connection) }
        var head: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !head.suffix(4).elementsEqual([13, 10, 13, 10]) {
            let count = read(connection, &buffer, buffer.count)
            guard count > 0 else { return }
            head += buffer[0..<count]
        }
        heads.add(1, ordering: .relaxed)
        while read(connection, &buffer, buffer.count) > 0 {}
        closes.add(1, ordering: .relaxed)
    }

    /// Stops accepting: the accepting thread ends and closes the listener (held connections end
    /// when their clients close).
    func stop() {
        shutdown(descriptor, Int32(SHUT_RDWR))
    }
}

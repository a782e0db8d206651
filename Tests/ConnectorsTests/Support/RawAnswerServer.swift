import Foundation
import Glibc

/// A loopback listener that answers each connection's first request head with fixed bytes and
/// closes it: for answers our own server would never write (a body ended by the close, with no
/// length). Stop it at the end.
final class RawAnswerServer: Sendable {
    let port: Int
    private let descriptor: Int32

    init(answer: [UInt8]) throws {
        let (descriptor, port) = try LoopbackListener.open()
        self.descriptor = descriptor
        self.port = port
        Thread.detachNewThread {
            while true {
                let connection = accept(descriptor, nil, nil)
                guard connection >= 0 else {
                    if errno == EINTR || errno == ECONNABORTED { continue }
                    // Closed here, not in `stop()`, for the reason `HoldingServer` gives.
                    Glibc.close(descriptor)
                    return
                }
                _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
                var head: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 4096)
                while !head.suffix(4).elementsEqual([13, 10, 13, 10]) {
                    let count = read(connection, &buffer, buffer.count)
                    guard count > 0 else { break }
                    head += buffer[0..<count]
                }
                var sent = 0
                while sent < answer.count {
                    let count = answer[sent...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    guard count > 0 else { break }
                    sent += count
                }
                Glibc.close(connection)
            }
        }
    }

    var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// Stops accepting: the accepting thread ends and closes the listener.
    func stop() {
        shutdown(descriptor, Int32(SHUT_RDWR))
    }
}

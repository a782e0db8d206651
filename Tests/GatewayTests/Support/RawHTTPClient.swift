import Foundation
import Glibc

/// Plain blocking TCP requests, for tests that need to know the bytes of a request have reached
/// the gateway (URLSession decides for itself when to connect and send). Runs on a thread of its
/// own so the blocking never occupies Swift's cooperative pool.
enum RawHTTPClient {
    /// `body` given 127.0.0.1:`port` as a socket address and its length.
    static func onLoopback<T>(port: Int, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    /// Connects `count` clients to `port` and sends each its complete request.
    static func connectAndSend(port: Int, requests: [String]) throws -> [Int32] {
        try requests.map { request in
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw POSIXError(.EMFILE) }
            var timeout = timeval(tv_sec: 30, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let connected = onLoopback(port: port) { connect(fd, $0, $1) }
            guard connected == 0 else { close(fd); throw POSIXError(.ECONNREFUSED) }
            let bytes = Array(request.utf8)
            guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else {
                close(fd)
                throw POSIXError(.EPIPE)
            }
            return fd
        }
    }

    /// Reads each socket until the peer closes it and returns what arrived, on a dedicated thread.
    static func readAllUntilClose(_ fds: [Int32]) async -> [String] {
        await withCheckedContinuation { continuation in
            Thread {
                var results: [String] = []
                for fd in fds {
                    var data = [UInt8]()
                    var buffer = [UInt8](repeating: 0, count: 16 * 1024)
                    while true {
                        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                        if n > 0 { data += buffer[0..<n] } else if n < 0, errno == EINTR { continue } else { break }
                    }
                    close(fd)
                    results.append(String(decoding: data, as: UTF8.self))
                }
                continuation.resume(returning: results)
            }.start()
        }
    }
}

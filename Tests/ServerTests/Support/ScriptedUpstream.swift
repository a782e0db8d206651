import CSystem
import Glibc
import Synchronization

/// A TCP server on loopback that answers exactly the bytes a test scripts, for the cases a real
/// server would never produce on demand: a body split across writes, a close mid-response, a
/// keep-alive connection dropped between requests. Every accepted connection runs `script` on a
/// thread of its own with blocking sockets.
final class ScriptedUpstream: Sendable {
    let port: Int
    private let listener: Int32
    private let accepted = Atomic<Int>(0)
    private let requestLog = Mutex<[String]>([])

    /// One accepted connection, seen from the server's side.
    final class Peer: Sendable {
        let fd: Int32
        /// 0 for the first connection accepted, 1 for the second…
        let index: Int
        private let upstream: ScriptedUpstream
        private let pending = Mutex<[UInt8]>([])

        init(fd: Int32, index: Int, upstream: ScriptedUpstream) {
            self.fd = fd
            self.index = index
            self.upstream = upstream
        }

        /// The next request's head and body (by its Content-Length) as text; nil at EOF.
        func readRequest() -> String? {
            var buffer = pending.withLock { bytes in defer { bytes = [] }; return bytes }
            func headEnd() -> Int? {
                guard buffer.count >= 4 else { return nil }
                for i in 0...(buffer.count - 4) where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
                    return i + 4
                }
                return nil
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            while headEnd() == nil {
                let n = recv(fd, &chunk, chunk.count, 0)
                guard n > 0 else { return nil }
                buffer += chunk[0..<n]
            }
            let end = headEnd()!
            let head = String(decoding: buffer[0..<end], as: UTF8.self)
            var length = 0
            for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                length = Int(line.dropFirst("content-length:".count).filter { $0 != " " }) ?? 0
            }
            while buffer.count < end + length {
                let n = recv(fd, &chunk, chunk.count, 0)
                guard n > 0 else { return nil }
                buffer += chunk[0..<n]
            }
            let request = String(decoding: buffer[0..<(end + length)], as: UTF8.self)
            pending.withLock { $0 = Array(buffer[(end + length)...]) }
            upstream.requestLog.withLock { $0.append(request) }
            return request
        }

        func send(_ text: String) {
            let bytes = Array(text.utf8)
            var sent = 0
            while sent < bytes.count {
                let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard n > 0 else { return }
                sent += n
            }
        }

        /// Sends RST instead of FIN.
        func reset() {
            var option = linger(l_onoff: 1, l_linger: 0)
            _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
            Glibc.close(fd)
        }

        func close() {
            Glibc.close(fd)
        }

        /// Blocks until the client closes its side (true) or 60 s pass (false): long, as a busy
        /// machine can hold the client's close that long.
        @discardableResult
        func waitForClose() -> Bool {
            var pollfd = Glibc.pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            var byte: UInt8 = 0
            while poll(&pollfd, 1, 60_000) > 0 {
                if recv(fd, &byte, 1, 0) <= 0 { return true }
            }
            return false
        }
    }

    init(_ script: @escaping @Sendable (Peer) -> Void) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | CS_SOCK_CLOEXEC, 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                precondition(bind(fd, pointer, length) == 0 && listen(fd, 64) == 0, "cannot listen")
                _ = getsockname(fd, pointer, &length)
            }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let upstream = self
        Thread.start {
            while true {
                let client = cs_accept4(fd, nil, nil, CS_SOCK_CLOEXEC)
                guard client >= 0 else {
                    if errno == EINTR || errno == ECONNABORTED { continue }
                    // Closed here, not in `stop()`: closed there, the number could be reused by
                    // another test's listener before this thread's next `accept`, which would
                    // then take that test's connections.
                    Glibc.close(fd)
                    return
                }
                let peer = Peer(fd: client, index: upstream.accepted.wrappingAdd(1, ordering: .relaxed).oldValue, upstream: upstream)
                Thread.start { script(peer) }
            }
        }
    }

    /// Connections accepted so far.
    var connectionCount: Int { accepted.load(ordering: .relaxed) }

    /// Requests read so far, in order, head and body as text.
    var requests: [String] { requestLog.withLock { $0 } }

    /// Stops accepting; connections already accepted run their scripts to the end.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
    }

    /// Detached POSIX threads for the accept loop and the connections.
    private enum Thread {
        final class Box: Sendable {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }

        static func start(_ body: @escaping @Sendable () -> Void) {
            let box = Unmanaged.passRetained(Box(body))
            var thread = pthread_t()
            let rc = pthread_create(&thread, nil, { raw in
                Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue().body()
                return nil
            }, box.toOpaque())
            precondition(rc == 0, "pthread_create failed")
            pthread_detach(thread)
        }
    }
}

extension ScriptedUpstream {
    /// Reads one request on each connection, sends `response`'s bytes, and holds the connection
    /// until the client closes it.
    static func answering(_ response: String) -> ScriptedUpstream {
        ScriptedUpstream { peer in
            _ = peer.readRequest()
            peer.send(response)
            peer.waitForClose()
        }
    }

    /// An upstream that reads each request and never answers, counting in `closes` the
    /// connections its client closed: for calls that must be abandoned on the wire.
    static func silent(closes: Counter) -> ScriptedUpstream {
        ScriptedUpstream { peer in
            _ = peer.readRequest()
            if peer.waitForClose() { closes.increment() }
        }
    }
}

import CSystem
import Glibc

/// The outcome of a non-blocking call: done, would block, or failed with errno.
enum IOResult: Equatable {
    case bytes(Int)
    case wouldBlock
    case endOfFile
    case failed(Int32)
}

extension Socket {
    /// Accepts one pending connection as a non-blocking socket, or nil when none is waiting.
    /// Errors that concern only the aborted connection (ECONNABORTED, EPROTO…) also give nil.
    func accept() throws(IOError) -> (Socket, SocketAddress?)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        while true {
            let fd = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    cs_accept4(self.fd, $0, &length, CS_SOCK_NONBLOCK | CS_SOCK_CLOEXEC)
                }
            }
            if fd >= 0 { return (Socket(fd: fd), SocketAddress(storage: storage)) }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK, ECONNABORTED, EPROTO, EPERM: return nil
            default: throw IOError.last("accept4")
            }
        }
    }

    /// Asked once the peer's FIN is seen (so all it sent is in the socket): whether nothing but
    /// empty lines (CR, LF: a client may end a request with one more CRLF; they begin no
    /// request, RFC 9112 §2.2) is left unread before the FIN. A peek of at most 32 bytes, so what
    /// is there stays for the next read; 32 or more are taken as more than empty lines.
    var holdsOnlyEmptyLinesBeforeEnd: Bool {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { bytes in
            while true {
                let n = recv(fd, bytes.baseAddress, bytes.count, Int32(MSG_PEEK | MSG_DONTWAIT))
                if n < 0, errno == EINTR { continue }
                guard n >= 0, n < bytes.count else { return false }
                return bytes[0..<n].allSatisfy { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }
            }
        }
    }

    /// Whether a listener has a connection waiting to be accepted (a `poll` that does not wait).
    var hasPendingConnection: Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = poll(&entry, 1, 0)
            if ready < 0, errno == EINTR { continue }
            return ready > 0 && entry.revents & Int16(POLLIN) != 0
        }
    }

    @inline(__always)
    func read(into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n > 0 { return .bytes(n) }
            if n == 0 { return .endOfFile }
            let e = errno
            if e == EINTR { continue }
            return (e == EAGAIN || e == EWOULDBLOCK) ? .wouldBlock : .failed(e)
        }
    }

    @inline(__always)
    func write(_ buffer: UnsafeRawBufferPointer) -> IOResult {
        while true {
            let n = Glibc.write(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return .bytes(n) }
            let e = errno
            if e == EINTR { continue }
            return (e == EAGAIN || e == EWOULDBLOCK) ? .wouldBlock : .failed(e)
        }
    }

    @inline(__always)
    func writev(_ vectors: UnsafePointer<iovec>, count: Int) -> IOResult {
        while true {
            let n = Glibc.writev(fd, vectors, Int32(count))
            if n >= 0 { return .bytes(n) }
            let e = errno
            if e == EINTR { continue }
            return (e == EAGAIN || e == EWOULDBLOCK) ? .wouldBlock : .failed(e)
        }
    }

    /// Half-closes the sending side, so the peer reads EOF after our last byte.
    func shutdownWrite() {
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
    }
}

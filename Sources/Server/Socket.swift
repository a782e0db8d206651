import CSystem
import Glibc

/// A file descriptor of a socket. A plain value: whoever holds it decides when to `close()` it.
struct Socket: Sendable, Hashable {
    let fd: Int32

    /// A non-blocking TCP listener with SO_REUSEADDR and SO_REUSEPORT, bound and listening.
    static func listener(address: SocketAddress, backlog: Int32) throws(IOError) -> Socket {
        let fd = Glibc.socket(address.family, Int32(SOCK_STREAM.rawValue) | CS_SOCK_NONBLOCK | CS_SOCK_CLOEXEC, 0)
        guard fd >= 0 else { throw IOError.last("socket") }
        let socket = Socket(fd: fd)
        do throws(IOError) {
            try socket.setOption(SOL_SOCKET, SO_REUSEADDR, 1)
            try socket.setOption(SOL_SOCKET, SO_REUSEPORT, 1)
            if address.family == AF_INET6 { try socket.setOption(Int32(IPPROTO_IPV6), IPV6_V6ONLY, 0) }
            let bound = address.withSockAddr { Glibc.bind(fd, $0, $1) }
            guard bound == 0 else { throw IOError.last("bind \(address)") }
            guard Glibc.listen(fd, backlog) == 0 else { throw IOError.last("listen") }
        } catch {
            socket.close()
            throw error
        }
        return socket
    }

    /// Fails, as `bind` does, when something already listens on `address`'s port. The loops'
    /// listeners share their port through SO_REUSEPORT, which would as readily let them share it
    /// with another process that set it too (a gateway left running from an earlier start), and
    /// the kernel would then split the connections between the two without a word. A socket
    /// without SO_REUSEPORT can only bind a port nobody holds; it is closed again at once.
    static func checkPortFree(_ address: SocketAddress) throws(IOError) {
        let fd = Glibc.socket(address.family, Int32(SOCK_STREAM.rawValue) | CS_SOCK_CLOEXEC, 0)
        guard fd >= 0 else { throw IOError.last("socket") }
        let socket = Socket(fd: fd)
        defer { socket.close() }
        try socket.setOption(SOL_SOCKET, SO_REUSEADDR, 1)
        if address.family == AF_INET6 { try socket.setOption(Int32(IPPROTO_IPV6), IPV6_V6ONLY, 0) }
        let bound = address.withSockAddr { Glibc.bind(fd, $0, $1) }
        guard bound == 0 else { throw IOError.last("bind \(address)") }
    }

    /// The address the socket is bound to (its port, when it was bound to port 0).
    func localAddress() throws(IOError) -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard rc == 0, let address = SocketAddress(storage: storage) else { throw IOError.last("getsockname") }
        return address
    }

    func close() {
        _ = Glibc.close(fd)
    }
}

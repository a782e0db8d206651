import CSystem
import Glibc

/// A file descriptor of a socket. A plain value: whoever holds it decides when to `close()` it.
struct Socket: Sendable, Hashable {
    let fd: Int32

    /// A non-blocking TCP listener with SO_REUSEADDR and SO_REUSEPORT, bound and listening.
    static func listener(address: SocketAddress, backlog: Int32) throws(IOError) -> Socket {
        let socket = try bound(to: address, reusePort: true, flags: CS_SOCK_NONBLOCK)
        guard Glibc.listen(socket.fd, backlog) == 0 else {
            let error = IOError.last("listen")
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
        try bound(to: address, reusePort: false, flags: 0).close()
    }

    /// A TCP socket with SO_REUSEADDR (and SO_REUSEPORT when asked), bound to `address`.
    private static func bound(to address: SocketAddress, reusePort: Bool, flags: Int32) throws(IOError) -> Socket {
        let fd = Glibc.socket(address.family, Int32(SOCK_STREAM.rawValue) | flags | CS_SOCK_CLOEXEC, 0)
        guard fd >= 0 else { throw IOError.last("socket") }
        let socket = Socket(fd: fd)
        do throws(IOError) {
            try socket.setOption(SOL_SOCKET, SO_REUSEADDR, 1)
            if reusePort { try socket.setOption(SOL_SOCKET, SO_REUSEPORT, 1) }
            if address.family == AF_INET6 { try socket.setOption(Int32(IPPROTO_IPV6), IPV6_V6ONLY, 0) }
            let result = address.withSockAddr { Glibc.bind(fd, $0, $1) }
            guard result == 0 else { throw IOError.last("bind \(address)") }
        } catch {
            socket.close()
            throw error
        }
        return socket
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

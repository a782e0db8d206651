import Glibc

/// A TCP socket listening on an ephemeral loopback port, for the scripted servers of these tests.
enum LoopbackListener {
    /// The listening descriptor and its port; the caller closes the descriptor.
    static func open(backlog: Int32 = 8) throws -> (descriptor: Int32, port: Int) {
        // Close-on-exec: a gateway binary another test spawns must not hold it open.
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw ClosedPort.SocketFailure(call: "socket", code: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ready = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && listen(descriptor, backlog) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard ready else {
            let code = errno
            Glibc.close(descriptor)
            throw ClosedPort.SocketFailure(call: "bind/listen", code: code)
        }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }
}

import Glibc

/// An IPv4 or IPv6 address with a port, as the server binds to or a peer connects from.
public enum SocketAddress: Sendable, Hashable, CustomStringConvertible {
    /// An IPv4 address as `in_addr.s_addr` holds it (network byte order in memory) and a port.
    case ipv4(UInt32, port: UInt16)
    /// An IPv6 address as 16 bytes in network order, and a port.
    case ipv6([UInt8], port: UInt16)

    /// Parses a numeric host (`127.0.0.1`, `::1`, `0.0.0.0`, `::`) or `localhost`.
    public init(host: String, port: Int) throws(ServerError) {
        guard (0...65535).contains(port) else { throw .invalidAddress("port \(port) is out of range 0-65535") }
        let name = host.lowercased() == "localhost" ? "127.0.0.1" : host
        var v4 = in_addr()
        if inet_pton(AF_INET, name, &v4) == 1 {
            self = .ipv4(v4.s_addr, port: UInt16(port))
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, name, &v6) == 1 {
            let bytes = withUnsafeBytes(of: &v6) { Array($0) }
            self = .ipv6(bytes, port: UInt16(port))
            return
        }
        throw .invalidAddress("'\(host)' is not a numeric IPv4 or IPv6 address")
    }

    init?(storage: sockaddr_storage) {
        var storage = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            let a = withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in.self) }
            self = .ipv4(a.sin_addr.s_addr, port: UInt16(bigEndian: a.sin_port))
        case AF_INET6:
            let a = withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in6.self) }
            var addr = a.sin6_addr
            self = .ipv6(withUnsafeBytes(of: &addr) { Array($0) }, port: UInt16(bigEndian: a.sin6_port))
        default:
            return nil
        }
    }

    /// The same host with another port.
    public func withPort(_ port: Int) -> SocketAddress {
        switch self {
        case .ipv4(let raw, _): .ipv4(raw, port: UInt16(port))
        case .ipv6(let bytes, _): .ipv6(bytes, port: UInt16(port))
        }
    }

    /// The port, in host order.
    public var port: Int {
        switch self {
        case .ipv4(_, let port), .ipv6(_, let port): Int(port)
        }
    }

    var family: Int32 {
        switch self {
        case .ipv4: AF_INET
        case .ipv6: AF_INET6
        }
    }

    /// The numeric host without the port.
    public var host: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        switch self {
        case .ipv4(let raw, _):
            var a = in_addr(s_addr: raw)
            inet_ntop(AF_INET, &a, &buffer, socklen_t(buffer.count))
        case .ipv6(let bytes, _):
            var a = in6_addr()
            withUnsafeMutableBytes(of: &a) { $0.copyBytes(from: bytes) }
            inet_ntop(AF_INET6, &a, &buffer, socklen_t(buffer.count))
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether the address is this machine's own (127.0.0.0/8, ::1, or 127.x mapped into IPv6).
    public var isLoopback: Bool {
        switch self {
        case .ipv4(let raw, _):
            // `s_addr` is in network order: its first byte in memory is the address's first.
            return withUnsafeBytes(of: raw) { $0[0] } == 127
        case .ipv6(let bytes, _):
            let mappedV4 = bytes.prefix(10).allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
            return bytes == Array(repeating: 0, count: 15) + [1] || (mappedV4 && bytes[12] == 127)
        }
    }

    public var description: String {
        switch self {
        case .ipv4: "\(host):\(port)"
        case .ipv6: "[\(host)]:\(port)"
        }
    }

    /// Calls `body` with this address as a `sockaddr` of the right length.
    func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        switch self {
        case .ipv4(let raw, let port):
            var a = sockaddr_in()
            a.sin_family = sa_family_t(AF_INET)
            a.sin_port = port.bigEndian
            a.sin_addr = in_addr(s_addr: raw)
            return withUnsafePointer(to: &a) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        case .ipv6(let bytes, let port):
            var a = sockaddr_in6()
            a.sin6_family = sa_family_t(AF_INET6)
            a.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &a.sin6_addr) { $0.copyBytes(from: bytes) }
            return withUnsafePointer(to: &a) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
    }
}

import CSystem
import Glibc

/// Name resolution for `HTTPClient`: getaddrinfo, which blocks, so it never runs on a loop.
enum HostResolver {
    /// How long a resolved address is reused before the name is looked up again.
    static let cacheLifetime: UInt64 = 30_000_000_000
    /// After a failed lookup, how long the address known before serves until the name is asked
    /// again.
    static let retryAfterFailure: UInt64 = 5_000_000_000
    /// How long after its last successful lookup an address serves while lookups fail (RFC 8767
    /// suggests one to three days).
    static let staleLifetime: UInt64 = 86_400_000_000_000

    /// The first IPv4 address of `host`, else its first IPv6 one. IPv4 first, whatever order
    /// getaddrinfo chose: containers often get AAAA answers without a route for them.
    static func resolve(_ host: String, port: Int) -> Result<SocketAddress, HTTPClientError> {
        // getaddrinfo would take the number and wrap it into another port.
        guard (1...65535).contains(port) else { return .failure(.connectFailed("port \(port) is out of range 1-65535")) }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let list else {
            let reason = rc == 0 ? "no address" : String(cString: gai_strerror(rc))
            return .failure(.connectFailed("the name does not resolve: \(reason)"))
        }
        defer { freeaddrinfo(list) }
        var fallback: SocketAddress?
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let current = entry {
            if let raw = current.pointee.ai_addr, Int(current.pointee.ai_addrlen) <= MemoryLayout<sockaddr_storage>.size {
                var storage = sockaddr_storage()
                withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: UnsafeRawBufferPointer(start: raw, count: Int(current.pointee.ai_addrlen))) }
                if let address = SocketAddress(storage: storage) {
                    if case .ipv4 = address { return .success(address) }
                    if fallback == nil { fallback = address }
                }
            }
            entry = current.pointee.ai_next
        }
        guard let fallback else { return .failure(.connectFailed("the name has no IPv4 or IPv6 address")) }
        return .success(fallback)
    }
}

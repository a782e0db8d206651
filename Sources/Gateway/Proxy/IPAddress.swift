import Glibc
import HTTP
import Server

/// An IPv4 or IPv6 host address without a port, as CIDR ranges and `X-Forwarded-For` entries
/// name them. IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`, what a dual-stack socket reports
/// for an IPv4 peer) are stored as the IPv4 address, so one `trusted_proxies` entry covers both.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6, in network order.
    public let bytes: [UInt8]

    /// Whether this is an IPv4 address (IPv4-mapped IPv6 ones included).
    public var isIPv4: Bool { bytes.count == 4 }

    /// Parses a numeric address (`192.0.2.1`, `2001:db8::1`); nil for anything else.
    public init?(_ text: String) {
        guard !text.isEmpty, text.utf8.count <= 64 else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self.init(bytes: withUnsafeBytes(of: &v4) { Array($0) })
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        self.init(bytes: withUnsafeBytes(of: &v6) { Array($0) })
    }

    /// The host of a socket peer.
    public init(_ address: SocketAddress) {
        switch address {
        case .ipv4(let raw, _):
            var raw = raw
            self.init(bytes: withUnsafeBytes(of: &raw) { Array($0) })
        case .ipv6(let v6, _):
            self.init(bytes: v6)
        }
    }

    /// From raw bytes in network order: 4 for IPv4, 16 for IPv6 (an IPv4-mapped one becomes IPv4).
    init(bytes: [UInt8]) {
        let mappedPrefix: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]
        self.bytes = bytes.count == 16 && bytes.starts(with: mappedPrefix) ? Array(bytes[12...]) : bytes
    }

    /// Parses one `X-Forwarded-For` entry: a bare address, also tolerating what some proxies
    /// write instead (`192.0.2.1:4711`, `[2001:db8::1]` and `[2001:db8::1]:4711`).
    public init?(forwarded entry: Substring) {
        var text = entry.trimmingOWS()
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let rest = text[text.index(after: close)...]
            guard rest.isEmpty || (rest.hasPrefix(":") && rest.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) && rest.count > 1) else { return nil }
            text = text[text.index(after: text.startIndex)..<close]
        } else if let colon = text.firstIndex(of: ":"), text.contains("."), text.lastIndex(of: ":") == colon {
            let port = text[text.index(after: colon)...]
            guard !port.isEmpty, port.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            text = text[..<colon]
        }
        self.init(String(text))
    }

    /// Dotted decimal, or RFC 5952 text for IPv6. Every request's access-log line carries its
    /// client's, so IPv4 is written by hand into the string's own storage; building it through
    /// two arrays and `inet_ntop` cost ~3,500 instructions.
    public var description: String {
        guard isIPv4 else {
            var a = in6_addr()
            withUnsafeMutableBytes(of: &a) { $0.copyBytes(from: bytes) }
            return withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(INET6_ADDRSTRLEN)) { buffer in
                inet_ntop(AF_INET6, &a, buffer.baseAddress, socklen_t(buffer.count))
                return String(cString: buffer.baseAddress!)
            }
        }
        return String(unsafeUninitializedCapacity: 15) { text in
            var count = 0
            for (index, byte) in bytes.enumerated() {
                if index > 0 { text[count] = UInt8(ascii: "."); count += 1 }
                if byte >= 100 { text[count] = UInt8(ascii: "0") + byte / 100; count += 1 }
                if byte >= 10 { text[count] = UInt8(ascii: "0") + byte / 10 % 10; count += 1 }
                text[count] = UInt8(ascii: "0") + byte % 10
                count += 1
            }
            return count
        }
    }
}

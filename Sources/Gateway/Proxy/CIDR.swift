/// An IPv4 or IPv6 address range in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`), as
/// `trusted_proxies` lists them. A bare address means that one host (`/32` or `/128`).
public struct CIDR: Sendable, Hashable, CustomStringConvertible {
    /// Why a text is not a CIDR range; the message names what to fix.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The message, naming the text and what to fix.
        public let description: String
    }

    /// The network address: host bits are zero.
    public let network: IPAddress
    /// The number of leading bits that are the network: 0…32 for IPv4, 0…128 for IPv6.
    public let prefixLength: Int

    /// Parses `address/length` or a bare address. A range with host bits set (`10.0.0.1/8`) is
    /// refused rather than silently widened, since it is usually a typo for something else.
    public init(_ text: String) throws(ParseError) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(String(parts[0])) else {
            throw ParseError(description: "\"\(text.prefix(80))\" is not an IPv4 or IPv6 address or CIDR range (e.g. 10.0.0.0/8, fd00::/8)")
        }
        let bits = address.bytes.count * 8
        var length = bits
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].count <= 3, parts[1].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isNumber),
                  let parsed = Int(parts[1]), parsed <= bits else {
                throw ParseError(description: "\"\(text.prefix(80))\": the prefix length must be 0 to \(bits) for an \(address.isIPv4 ? "IPv4" : "IPv6") range")
            }
            length = parsed
        }
        let masked = Self.mask(address.bytes, to: length)
        guard masked == address.bytes else {
            let network = IPAddress(bytes: masked)
            throw ParseError(description: "\"\(text.prefix(80))\" has host bits set; the range is \(network)/\(length)")
        }
        network = address
        prefixLength = length
    }

    /// Whether `address` lies in this range; an IPv4 address is never in an IPv6 range nor the reverse.
    public func contains(_ address: IPAddress) -> Bool {
        address.bytes.count == network.bytes.count && Self.mask(address.bytes, to: prefixLength) == network.bytes
    }

    public var description: String { "\(network)/\(prefixLength)" }

    private static func mask(_ bytes: [UInt8], to length: Int) -> [UInt8] {
        var result = bytes
        for index in result.indices {
            let keep = min(8, max(0, length - index * 8))
            result[index] &= keep == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
        }
        return result
    }
}

import HTTP

/// The reverse proxies whose `X-Forwarded-For` the gateway believes (`trusted_proxies`), and the
/// rule that finds the client behind them. Only a trusted peer may speak for someone else: a
/// client connecting directly can put anything in `X-Forwarded-For`, so it is ignored then.
public struct TrustedProxies: Sendable, Equatable {
    /// The trusted ranges, as configured; empty trusts no one.
    public var ranges: [CIDR]

    /// No proxy is trusted: the client is always the TCP peer.
    public init(_ ranges: [CIDR] = []) {
        self.ranges = ranges
    }

    /// Whether `address` lies in one of the trusted ranges.
    public func trusts(_ address: IPAddress) -> Bool {
        ranges.contains { $0.contains(address) }
    }

    /// The client's address: the TCP `peer` unless it is trusted; then `X-Forwarded-For` (all
    /// `forwardedFor` field lines, in order, as one list) is walked from the right, each trusted
    /// hop skipped, and the first untrusted address is the client. An entry that is not an
    /// address stops the walk: the client is then the last trusted hop reached, the nearest
    /// address known for sure. When every hop is trusted, the leftmost one is the client.
    public func client(peer: IPAddress, forwardedFor: [String]) -> IPAddress {
        guard trusts(peer) else { return peer }
        var client = peer
        for line in forwardedFor.reversed() {
            for entry in line.split(separator: ",", omittingEmptySubsequences: false).reversed() {
                // Empty list elements are ignored (RFC 9110 §5.6.1): they name no hop.
                if entry.trimmingOWS().isEmpty { continue }
                guard let hop = IPAddress(forwarded: entry) else { return client }
                client = hop
                guard trusts(hop) else { return hop }
            }
        }
        return client
    }
}

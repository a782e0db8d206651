import Hashing

/// The tenants the gateway knows and the lookup of a presented API key. The key is hashed and
/// its digest found among the stored ones by its first eight bytes, then compared whole in
/// constant time: a lookup costs the same with one tenant or 20,000, and its time says nothing of
/// how close a key is to a valid one (that the first eight bytes of some stored digest match a
/// guess's would take a 64-bit partial preimage of SHA-256 to exploit).
public struct TenantDirectory: Sendable {
    /// Every configured tenant, in configuration order.
    public let tenants: [Tenant]
    /// The stored digests by their first eight bytes: each with its tenant's index.
    private let digests: [UInt64: [(digest: [UInt8], tenant: Int)]]

    /// A directory of `tenants`, fixed for its life.
    public init(_ tenants: [Tenant]) {
        self.tenants = tenants
        var digests: [UInt64: [(digest: [UInt8], tenant: Int)]] = [:]
        for (index, tenant) in tenants.enumerated() {
            for digest in tenant.keyDigests { digests[Self.prefix(digest), default: []].append((digest, index)) }
        }
        self.digests = digests
    }

    /// The tenant one of whose keys is `key`, or nil. A digest listed twice (which the
    /// configuration refuses) goes to the first tenant listing it.
    public func authenticate(key: String) -> Tenant? {
        let digest = SHA256.hash(key.utf8)
        guard let candidates = digests[Self.prefix(digest)] else { return nil }
        var found: Int?
        for candidate in candidates where constantTimeEqual(candidate.digest, digest) {
            found = min(found ?? .max, candidate.tenant)
        }
        return found.map { tenants[$0] }
    }

    /// The first eight bytes of `digest` (fewer for a shorter one, which no SHA-256 digest is).
    private static func prefix(_ digest: [UInt8]) -> UInt64 {
        var value: UInt64 = 0
        for byte in digest.prefix(8) { value = value << 8 | UInt64(byte) }
        return value
    }

    /// The tenant named `id`, or nil.
    public func tenant(id: String) -> Tenant? {
        tenants.first { $0.id == id }
    }
}

import Hashing

/// The tenants the gateway knows and the lookup of a presented API key. The key is hashed and
/// compared with every stored digest in constant time, so neither the stored keys nor the time a
/// lookup takes say anything about which key is close to valid.
public struct TenantDirectory: Sendable {
    /// Every configured tenant, in configuration order.
    public let tenants: [Tenant]

    /// A directory of `tenants`, fixed for its life.
    public init(_ tenants: [Tenant]) {
        self.tenants = tenants
    }

    /// The tenant one of whose keys is `key`, or nil. Every stored digest is compared whatever
    /// matches, so the time taken does not depend on which key is presented.
    public func authenticate(key: String) -> Tenant? {
        let digest = SHA256.hash(key.utf8)
        var found: Tenant?
        for tenant in tenants {
            for stored in tenant.keyDigests where constantTimeEqual(stored, digest) {
                if found == nil { found = tenant }
            }
        }
        return found
    }

    /// The tenant named `id`, or nil.
    public func tenant(id: String) -> Tenant? {
        tenants.first { $0.id == id }
    }
}

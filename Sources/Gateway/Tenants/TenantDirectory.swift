import Hashing

/// The tenants the gateway knows and the lookup of a presented API key. The key is hashed and
/// compared with every stored digest in constant time, so neither the stored keys nor the time a
/// lookup takes say anything about which key is close to valid.
public struct TenantDirectory: Sendable {
    public let tenants: [Tenant]

    public init(_ tenants: [Tenant]) {
        self.tenants = tenants
    }

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

    public func tenant(id: String) -> Tenant? {
        tenants.first { $0.id == id }
    }
}

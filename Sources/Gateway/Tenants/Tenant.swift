import Connectors

/// One client of the gateway: its API keys (stored only as SHA-256 digests), its request rate,
/// and its credentials for each marketplace.
public struct Tenant: Sendable {
    public let id: String
    /// SHA-256 digests of the tenant's API keys; more than one allows rotation without downtime.
    public let keyDigests: [[UInt8]]
    public let rateLimit: TenantRateLimit
    public let credentials: [Marketplace: MarketplaceCredentials]

    public init(id: String, keyDigests: [[UInt8]], rateLimit: TenantRateLimit,
                credentials: [Marketplace: MarketplaceCredentials] = [:]) {
        self.id = id
        self.keyDigests = keyDigests
        self.rateLimit = rateLimit
        self.credentials = credentials
    }
}

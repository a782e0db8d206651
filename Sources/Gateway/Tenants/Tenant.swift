import Connectors

/// One client of the gateway: its API keys (stored only as SHA-256 digests), its request rate,
/// and its credentials for each marketplace.
public struct Tenant: Sendable {
    /// The tenant's name in logs, metrics and cursors; not a secret.
    public let id: String
    /// SHA-256 digests of the tenant's API keys; more than one allows rotation without downtime.
    public let keyDigests: [[UInt8]]
    /// The tenant's request allowance at the gateway.
    public let rateLimit: TenantRateLimit
    /// The tenant's secrets per marketplace; a marketplace absent here is `connector_not_configured`.
    public let credentials: [Marketplace: MarketplaceCredentials]

    /// A tenant as configured: `keyDigests` are SHA-256 digests, never the keys themselves.
    public init(id: String, keyDigests: [[UInt8]], rateLimit: TenantRateLimit,
                credentials: [Marketplace: MarketplaceCredentials] = [:]) {
        self.id = id
        self.keyDigests = keyDigests
        self.rateLimit = rateLimit
        self.credentials = credentials
    }
}

/// One tenant's secrets for one marketplace, as named fields (Wildberries: `token`; Ozon:
/// `client_id`, `api_key`). Never printed: `description` names the fields, not their values.
public struct MarketplaceCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The marketplace these credentials are for; the registry refuses them for any other.
    public let marketplace: Marketplace
    private let fields: [String: String]

    /// `fields` maps field names (`token`, `client_id`, `api_key`) to their secret values; an empty
    /// value counts as absent.
    public init(marketplace: Marketplace, fields: [String: String]) {
        self.marketplace = marketplace
        self.fields = fields
    }

    /// The value of `field`; nil when it is absent or empty.
    public subscript(field: String) -> String? {
        guard let value = fields[field], !value.isEmpty else { return nil }
        return value
    }

    /// The value of each field in `names`, or `credentialsMissing` naming every absent one.
    public func require(_ names: [String]) throws(ConnectorError) -> [String] {
        let missing = names.filter { self[$0] == nil }
        guard missing.isEmpty else { throw .credentialsMissing(marketplace, missing: missing) }
        return names.map { self[$0]! }
    }

    /// The names of the fields given, sorted; safe to log, unlike the values.
    public var fieldNames: [String] { fields.keys.sorted() }

    public var description: String { "\(marketplace) credentials (\(fieldNames.joined(separator: ", ")))" }
    public var debugDescription: String { description }
}

/// One tenant's secrets for one marketplace, as named fields (Wildberries: `token`; Ozon:
/// `client_id`, `api_key`). Never printed: `description` names the fields, not their values.
public struct MarketplaceCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public let marketplace: Marketplace
    private let fields: [String: String]

    public init(marketplace: Marketplace, fields: [String: String]) {
        self.marketplace = marketplace
        self.fields = fields
    }

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

    public var fieldNames: [String] { fields.keys.sorted() }

    public var description: String { "\(marketplace) credentials (\(fieldNames.joined(separator: ", ")))" }
    public var debugDescription: String { description }
}

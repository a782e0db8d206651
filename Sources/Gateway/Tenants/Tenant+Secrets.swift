import Connectors

extension Tenant {
    /// Every credential value of the tenant, to be kept out of what the marketplaces say back
    /// (`ConnectorError.redacting`) before it reaches a problem document.
    var secrets: [String] {
        credentials.values.flatMap { credentials in credentials.fieldNames.compactMap { credentials[$0] } }
    }
}

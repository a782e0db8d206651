import Connectors

/// Reading and writing the fields of Wildberries cursors: integers and short id lists. A field
/// that does not parse makes the whole cursor invalid.
enum WildberriesCursorFields {
    static func invalid() -> ConnectorError {
        .invalidRequest(field: "cursor", reason: "The cursor is not one this connector issued.")
    }

    static func int64(_ cursor: Cursor, _ key: String) throws(ConnectorError) -> Int64? {
        guard let text = cursor[key] else { return nil }
        guard let value = Int64(text) else { throw invalid() }
        return value
    }

    static func ids(_ cursor: Cursor, _ key: String) -> [String] {
        guard let text = cursor[key], !text.isEmpty else { return [] }
        return text.split(separator: ",").map(String.init)
    }

    /// The last `limit` ids joined by commas (Wildberries ids never hold one); nil when empty.
    static func join(_ ids: [String], limit: Int) -> String? {
        ids.isEmpty ? nil : ids.suffix(limit).joined(separator: ",")
    }
}

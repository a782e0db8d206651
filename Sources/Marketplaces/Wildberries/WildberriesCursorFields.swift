import Connectors

/// Reading and writing the fields of Wildberries cursors: integers, short id lists, and lists of
/// 32-bit keys of ids (`CursorKeys`: four bytes each where an id takes twenty, so a cursor can
/// name more records within `CursorCodec.maxLength`). A field that does not parse makes the whole
/// cursor invalid.
enum WildberriesCursorFields {
    static func invalid() -> ConnectorError {
        .invalidRequest(field: "cursor", reason: "cursor is not one this connector issued")
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

    /// Keys written by `join(keys:limit:)`, or, under `legacyKey`, the keys of an id list
    /// written by earlier versions.
    static func keys(_ cursor: Cursor, _ key: String, legacyKey: String) throws(ConnectorError) -> [UInt32] {
        guard let text = cursor[key] else { return ids(cursor, legacyKey).map(CursorKeys.key) }
        guard let keys = CursorKeys.decode(Substring(text)) else { throw invalid() }
        return keys
    }

    /// The last `limit` keys, four bytes each, base64url; nil when empty.
    static func join(keys: [UInt32], limit: Int) -> String? {
        keys.isEmpty ? nil : CursorKeys.encode(keys.suffix(limit))
    }
}

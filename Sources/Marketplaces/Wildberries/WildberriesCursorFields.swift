import Connectors

/// Reading and writing the fields of Wildberries cursors: integers, short id lists, and lists of
/// 32-bit keys of ids (four bytes each where an id takes twenty, so a cursor can name more
/// records within `CursorCodec.maxLength`). A field that does not parse makes the whole cursor invalid.
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

    /// FNV-1a of the id: stable across processes, as a cursor outlives the one that sealed it.
    static func key(_ id: String) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in id.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return hash
    }

    /// Keys written by `join(keys:limit:)`, or, under `legacyKey`, the keys of an id list
    /// written by earlier versions.
    static func keys(_ cursor: Cursor, _ key: String, legacyKey: String) throws(ConnectorError) -> [UInt32] {
        guard let text = cursor[key] else { return ids(cursor, legacyKey).map(Self.key) }
        guard let bytes = Base64URL.decode(Substring(text)), bytes.count % 4 == 0 else { throw invalid() }
        return stride(from: 0, to: bytes.count, by: 4).map { Self.key(in: bytes, at: $0) }
    }

    /// The last `limit` keys, four bytes each, base64url; nil when empty.
    static func join(keys: [UInt32], limit: Int) -> String? {
        guard !keys.isEmpty else { return nil }
        var bytes: [UInt8] = []
        for key in keys.suffix(limit) { append(key, to: &bytes) }
        return Base64URL.encode(bytes)
    }

    /// Writes a key as four bytes, most significant first.
    static func append(_ key: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(key >> 24), UInt8(key >> 16 & 0xFF), UInt8(key >> 8 & 0xFF), UInt8(key & 0xFF)]
    }

    /// The key written by `append` at `index` (four bytes must follow it).
    static func key(in bytes: [UInt8], at index: Int) -> UInt32 {
        bytes[index..<(index + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }
}

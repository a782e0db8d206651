import Hashing

/// Seals cursors for clients and opens them again. A sealed cursor is
/// `base64url(payload) "." base64url(mac)` where the MAC (HMAC-SHA-256, truncated to 128 bits)
/// covers a version, the tenant and the connector the cursor belongs to, and the payload: a
/// cursor cannot be edited, forged, or replayed against another connector or tenant.
public struct CursorCodec: Sendable {
    /// HMAC keyed once; each MAC starts from a copy.
    private let keyed: HMAC
    /// Sealed cursors longer than this are refused before any work is done on them. Room for a
    /// marketplace's own list position of a kilobyte beside a page's worth of keys (an Ozon chat
    /// sweep split mid-page), well within a request line's 8 KiB in a GET's query.
    public static let maxLength = 4096

    /// `key` should be 32 random bytes kept for the server's life (or configured, so cursors
    /// survive a restart).
    public init(key: [UInt8]) {
        precondition(key.count >= 16, "a cursor key needs at least 128 bits")
        keyed = HMAC(key: key)
    }

    /// The opaque string a client gets for `cursor`, bound to `connector` and `tenant` so that only
    /// `open` with the same two accepts it. Equal cursors seal to equal strings.
    public func seal(_ cursor: Cursor, for connector: ConnectorKey, tenant: String) -> String {
        let payload = Self.serialize(cursor)
        let tag = mac(payload, connector, tenant)
        var sealed = ByteWriter(capacity: Base64URL.encodedCount(payload.count) + 1 + Base64URL.encodedCount(tag.count))
        Base64URL.encode(payload, into: &sealed)
        sealed.append(UInt8(ascii: "."))
        Base64URL.encode(tag, into: &sealed)
        return sealed.withBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// The length `seal` gives `cursor`, so a connector can tell before handing a cursor out
    /// whether it stays within `maxLength` and will open again.
    public static func sealedLength(of cursor: Cursor) -> Int {
        Base64URL.encodedCount(serialize(cursor).count) + 1 + Base64URL.encodedCount(16)
    }

    /// Opens a sealed cursor; `invalidRequest(field: "cursor")` when it is malformed, altered,
    /// or made for another connector or another tenant (a cursor names what its listing had
    /// reached, ids included: it is its tenant's).
    public func open(_ sealed: String, for connector: ConnectorKey, tenant: String) throws(ConnectorError) -> Cursor {
        let invalid = ConnectorError.invalidRequest(field: "cursor", reason: "cursor is not one this server issued for this connector and tenant")
        guard sealed.utf8.count <= Self.maxLength, let dot = sealed.firstIndex(of: "."),
              let payload = Base64URL.decode(sealed[..<dot]),
              let tag = Base64URL.decode(sealed[sealed.index(after: dot)...]),
              constantTimeEqual(tag, mac(payload, connector, tenant)),
              let cursor = Self.deserialize(payload)
        else { throw invalid }
        return cursor
    }

    /// The tag: "cursor-v2\0<tenant>\0<marketplace>\0<channel>\0" then the payload, fed in parts
    /// rather than built as a String. Cursors of the first format ("cursor-v1", bound to the
    /// connector alone) are not opened: one would open for every tenant sharing the secret.
    private func mac(_ payload: [UInt8], _ connector: ConnectorKey, _ tenant: String) -> [UInt8] {
        var hmac = keyed
        hmac.update("cursor-v2\u{0}".utf8)
        hmac.update(tenant.utf8)
        hmac.update("\u{0}".utf8)
        hmac.update(connector.marketplace.rawValue.utf8)
        hmac.update("\u{0}".utf8)
        hmac.update(connector.channel.rawValue.utf8)
        hmac.update("\u{0}".utf8)
        hmac.update(payload)
        return Array(hmac.finalize().prefix(16))
    }

    /// `key=value` pairs sorted by key (the cursor keeps them so), joined by `&`, with `%`, `&`
    /// and `=` percent-encoded: one byte string per cursor, so equal cursors seal identically.
    static func serialize(_ cursor: Cursor) -> [UInt8] {
        var out = ByteWriter(capacity: 128)
        for (index, field) in cursor.fields.enumerated() {
            if index > 0 { out.append(UInt8(ascii: "&")) }
            escape(field.key, into: &out)
            out.append(UInt8(ascii: "="))
            escape(field.value, into: &out)
        }
        return out.bytes
    }

    /// The cursor `serialize` wrote; nil for anything else, a key given twice included.
    static func deserialize(_ bytes: [UInt8]) -> Cursor? {
        var cursor = Cursor()
        guard !bytes.isEmpty else { return cursor }
        for pair in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: false) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let key = unescape(parts[0]), let value = unescape(parts[1]),
                  cursor[key] == nil else { return nil }
            cursor[key] = value
        }
        return cursor
    }

    private static func escape(_ text: String, into out: inout ByteWriter) {
        let hex: StaticString = "0123456789ABCDEF"
        for c in text.utf8 {
            if c == UInt8(ascii: "%") || c == UInt8(ascii: "&") || c == UInt8(ascii: "=") {
                out.append(UInt8(ascii: "%"))
                out.append(hex.utf8Start[Int(c >> 4)])
                out.append(hex.utf8Start[Int(c & 15)])
            } else {
                out.append(c)
            }
        }
    }

    private static func unescape(_ bytes: ArraySlice<UInt8>) -> String? {
        var out: [UInt8] = []
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i] == UInt8(ascii: "%") {
                guard i + 2 < bytes.endIndex, let byte = Hex.decode(String(decoding: bytes[(i + 1)...(i + 2)], as: UTF8.self))?.first else { return nil }
                out.append(byte)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(validUTF8: out)
    }
}

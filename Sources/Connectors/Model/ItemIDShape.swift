/// The form a marketplace gives the ids of one kind of item. A connector checks an id a caller
/// names against it before any upstream call: an id of another form names no item, so a typo
/// costs no call, no rate budget and no wait for one (a Wildberries chat is looked up by reading
/// the whole chat list, out of a budget every tenant on the token shares), and the caller learns
/// what an id looks like instead of getting whatever the marketplace answers a malformed one.
public enum ItemIDShape: Sendable, Equatable, CustomStringConvertible {
    /// A UUID in its 8-4-4-4-12 hexadecimal form, in either letter case (Ozon review and
    /// question ids, UUIDv7 in practice).
    case uuid
    /// A UUID, or a decimal number of up to 20 digits (Ozon chat ids: the v3 list gives UUIDs;
    /// the v2 list was seen giving numbers).
    case uuidOrNumber
    /// A version number, a colon and a UUID: `1:<uuid>` (Wildberries chat ids).
    case versionedUUID
    /// 16 to 32 characters of letters, digits, `-` and `_` (Wildberries feedback and question
    /// ids, 20 characters of URL-safe base64; the margin keeps an id of a new length working).
    case token

    /// Whether an item can have `id`.
    public func admits(_ id: String) -> Bool {
        var id = id
        return id.withUTF8 { admits(utf8: $0) }
    }

    private func admits(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        switch self {
        case .uuid:
            return Self.isUUID(bytes[...])
        case .uuidOrNumber:
            return Self.isUUID(bytes[...]) || ((1...20).contains(bytes.count) && bytes.allSatisfy { $0 >= 0x30 && $0 <= 0x39 })
        case .versionedUUID:
            guard let colon = bytes.firstIndex(of: 0x3A), (1...4).contains(colon),
                  bytes[..<colon].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
            return Self.isUUID(bytes[(colon + 1)...])
        case .token:
            return (16...32).contains(bytes.count) && bytes.allSatisfy { byte in
                switch byte {
                case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D, 0x5F: true
                default: false
                }
            }
        }
    }

    /// Throws `malformedItemID` for an id no item can have.
    public func check(_ id: String) throws(ConnectorError) {
        guard admits(id) else { throw .malformedItemID(id: id, shape: self) }
    }

    /// What such ids look like, for the caller: "a UUID (…)".
    public var description: String {
        switch self {
        case .uuid: "UUIDs (8-4-4-4-12 hexadecimal digits)"
        case .uuidOrNumber: "UUIDs (8-4-4-4-12 hexadecimal digits) or numbers"
        case .versionedUUID: "a version, a colon and a UUID, as in 1:6f2a1c3e-8b7d-4e2f-9a1b-3c4d5e6f7a8b"
        case .token: "16 to 32 letters, digits, '-' and '_' (20 as Wildberries issues them)"
        }
    }

    private static func isUUID(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard bytes.count == 36 else { return false }
        for (offset, byte) in bytes.enumerated() {
            switch offset {
            case 8, 13, 18, 23:
                guard byte == 0x2D else { return false }
            default:
                guard (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte) else { return false }
            }
        }
        return true
    }
}

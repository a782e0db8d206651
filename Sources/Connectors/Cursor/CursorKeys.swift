/// 32-bit keys of ids, for cursors that must name many records in little room (four bytes where
/// an id takes twenty or thirty-six): FNV-1a, stable across processes, as a cursor outlives the
/// one that sealed it. Two ids can share a key (about one pair in 2³² per id kept); a cursor
/// that goes by keys says what a collision costs where it keeps them.
public enum CursorKeys {
    /// The key of `id`.
    public static func key(_ id: String) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in id.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return hash
    }

    /// Appends `key` as four bytes, most significant first.
    public static func append(_ key: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(key >> 24), UInt8(key >> 16 & 0xFF), UInt8(key >> 8 & 0xFF), UInt8(key & 0xFF)]
    }

    /// The key `append` wrote at `index` (four bytes must follow it).
    public static func key(in bytes: [UInt8], at index: Int) -> UInt32 {
        bytes[index..<(index + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    /// `keys` as base64url, four bytes each.
    public static func encode(_ keys: some Sequence<UInt32>) -> String {
        var bytes: [UInt8] = []
        for key in keys { append(key, to: &bytes) }
        return Base64URL.encode(bytes)
    }

    /// The keys `encode` wrote, or nil when `text` is not that.
    public static func decode(_ text: Substring) -> [UInt32]? {
        guard let bytes = Base64URL.decode(text), bytes.count % 4 == 0 else { return nil }
        return stride(from: 0, to: bytes.count, by: 4).map { key(in: bytes, at: $0) }
    }
}

extension UpstreamRequest {
    /// Appends the encoded path (with a leading `/`) and query to `bytes`, which holds the base
    /// URL's prefix: `scheme://authority/base` for URLSession, `/base` as an origin-form target.
    public func appendTarget(to bytes: inout [UInt8]) {
        bytes.reserveCapacity(bytes.count + path.utf8.count + 64)
        // By byte: `hasPrefix` compares by Character, and its grapheme-boundary check is code
        // a request would otherwise run for nothing.
        if path.utf8.first != UInt8(ascii: "/") { bytes.append(UInt8(ascii: "/")) }
        Self.appendPercentEncoded(path, keepingPathCharacters: true, to: &bytes)
        for (index, item) in query.enumerated() {
            bytes.append(index == 0 ? UInt8(ascii: "?") : UInt8(ascii: "&"))
            Self.appendPercentEncoded(item.name, keepingPathCharacters: false, to: &bytes)
            bytes.append(UInt8(ascii: "="))
            Self.appendPercentEncoded(item.value, keepingPathCharacters: false, to: &bytes)
        }
    }

    /// RFC 3986 unreserved characters stay, and in a path also `/`, sub-delims, `:` and `@`;
    /// every other byte of the UTF-8 form is %XX-encoded, so `+`, `&`, `=` and spaces in a query
    /// value arrive as they were meant.
    static func appendPercentEncoded(_ text: String, keepingPathCharacters: Bool, to bytes: inout [UInt8]) {
        let hex: StaticString = "0123456789ABCDEF"
        for byte in text.utf8 {
            if isUnreserved(byte) || (keepingPathCharacters && isPathCharacter(byte)) {
                bytes.append(byte)
            } else {
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hex.utf8Start[Int(byte >> 4)])
                bytes.append(hex.utf8Start[Int(byte & 0x0F)])
            }
        }
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
    }

    /// What a path may carry unencoded besides unreserved characters: `/`, sub-delims, `:`, `@`.
    private static func isPathCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "/"), UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
             UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="),
             UInt8(ascii: ":"), UInt8(ascii: "@"):
            true
        default:
            false
        }
    }
}

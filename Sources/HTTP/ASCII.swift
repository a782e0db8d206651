/// Byte classes of RFC 9110/9112, as one 256-entry table so the parser tests a class with one load.
enum ASCII {
    static let cr: UInt8 = 13
    static let lf: UInt8 = 10
    static let sp: UInt8 = 32
    static let htab: UInt8 = 9
    static let colon: UInt8 = 58
    static let semicolon: UInt8 = 59
    static let equals: UInt8 = 61
    static let quote: UInt8 = 34
    static let backslash: UInt8 = 92
    static let comma: UInt8 = 44

    /// tchar: the characters of a token (method, field name, coding).
    static let token: UInt8 = 1
    /// Visible characters allowed in a request target (RFC 3986 characters and a few lenient
    /// ones), but `#`: a fragment is never part of a request target (RFC 9112 §3.2).
    static let target: UInt8 = 2
    /// VCHAR / obs-text / SP / HTAB: what a field value may contain.
    static let fieldValue: UInt8 = 4
    /// HEXDIG.
    static let hex: UInt8 = 8
    /// qdtext of a quoted-string (RFC 9110 §5.6.4).
    static let qdtext: UInt8 = 16

    /// The class table, built once and never written again, so sharing the pointer is safe.
    nonisolated(unsafe) static let classes: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        table.initialize(repeating: 0, count: 256)
        let tokenPunctuation = Array("!#$%&'*+-.^_`|~".utf8)
        for byte in 0..<256 {
            let c = UInt8(byte)
            var flags: UInt8 = 0
            let isAlpha = (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
            let isDigit = c >= 48 && c <= 57
            if isAlpha || isDigit || tokenPunctuation.contains(c) { flags |= token }
            if c > 32 && c < 127 && c != UInt8(ascii: "#") { flags |= target }
            if (c > 32 && c != 127) || c == sp || c == htab { flags |= fieldValue }
            if isDigit || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) { flags |= hex }
            if c == htab || c == sp || c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E) || c >= 0x80 {
                flags |= qdtext
            }
            table[byte] = flags
        }
        return UnsafePointer(table)
    }()

    @inline(__always)
    static func lowercased(_ c: UInt8) -> UInt8 { (c >= 65 && c <= 90) ? c | 0x20 : c }

    @inline(__always)
    static func hexValue(_ c: UInt8) -> Int {
        switch c {
        case 48...57: Int(c - 48)
        case 65...70: Int(c - 55)
        default: Int(c - 87)
        }
    }

    /// Case-insensitive comparison of `bytes[range]` with a lower-case ASCII literal.
    @inline(__always)
    static func equalsLowercase(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ literal: StaticString) -> Bool {
        guard end - start == literal.utf8CodeUnitCount else { return false }
        let lit = literal.utf8Start
        var i = 0
        while i < end - start {
            if lowercased(bytes[start + i]) != lit[i] { return false }
            i += 1
        }
        return true
    }
}

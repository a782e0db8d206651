/// Whether bytes are well-formed UTF-8, by the table of well-formed byte sequences of the Unicode
/// Standard (§3.9, table 3-7): no overlong forms, no surrogates (U+D800…U+DFFF), nothing above
/// U+10FFFF, no sequence cut short. `String(validUTF8:)` checks with it and then makes the
/// `String` without a second check; the standard library's own check, through any of its public
/// doors, costs twice this one for Cyrillic text (Benchmarks/README.md, thirty-ninth session).
enum UTF8Validation {
    /// What well-formed bytes hold: a `String` told its text is ASCII takes its fast paths
    /// (comparison by bytes, counting without decoding).
    enum Form {
        case ascii
        case unicode
    }

    /// The form of `bytes`, or nil when they are not all well-formed UTF-8.
    static func form(of bytes: UnsafeBufferPointer<UInt8>) -> Form? {
        var index = 0
        var isASCII = true
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            isASCII = false
            if lead < 0xC2 { return nil }  // a continuation byte, or an overlong two-byte form
            if lead < 0xE0 {
                guard index + 1 < count, isContinuation(bytes[index + 1]) else { return nil }
                index += 2
                continue
            }
            if lead < 0xF0 {
                guard index + 2 < count else { return nil }
                // E0 would be overlong below A0; ED above 9F is a surrogate.
                let low: UInt8 = lead == 0xE0 ? 0xA0 : 0x80
                let high: UInt8 = lead == 0xED ? 0x9F : 0xBF
                let second = bytes[index + 1]
                guard second >= low, second <= high, isContinuation(bytes[index + 2]) else { return nil }
                index += 3
                continue
            }
            guard lead <= 0xF4, index + 3 < count else { return nil }
            // F0 would be overlong below 90; F4 above 8F is past U+10FFFF.
            let low: UInt8 = lead == 0xF0 ? 0x90 : 0x80
            let high: UInt8 = lead == 0xF4 ? 0x8F : 0xBF
            let second = bytes[index + 1]
            guard second >= low, second <= high, isContinuation(bytes[index + 2]), isContinuation(bytes[index + 3]) else { return nil }
            index += 4
        }
        return isASCII ? .ascii : .unicode
    }

    /// Whether all of `bytes` is well-formed UTF-8.
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        form(of: bytes) != nil
    }

    @inline(__always)
    private static func isContinuation(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }
}

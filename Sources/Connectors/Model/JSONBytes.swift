/// Writes JSON strings and integers straight into bytes: for what is written on every request
/// (items, upstream request bodies, problems, log lines), where Foundation's encoders cost more
/// than the rest of the request. Shared by the gateway's writers and the marketplaces' bodies so
/// that there is one escaping rule.
public enum JSONBytes {
    /// `value` as a JSON string: `"` and `\` escaped, control characters and DEL as `\n`, `\r`,
    /// `\t` or `\u00XX`, everything else (non-ASCII UTF-8 included) as is. Runs that need no
    /// escape are copied whole.
    public static func appendString(_ value: String, to bytes: inout [UInt8]) {
        var value = value
        bytes.append(UInt8(ascii: "\""))
        value.withUTF8 { utf8 in
            guard let base = utf8.baseAddress else { return }
            let count = utf8.count
            var runStart = 0
            var index = 0
            while index < count {
                // Eight bytes at a time while none of them needs an escape.
                while index + 8 <= count {
                    let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                    guard !ByteWord.endsJSONRun(word), ByteWord.matching(word, 0x7F) == 0 else { break }
                    index += 8
                }
                let end = min(index + 8, count)
                while index < end {
                    let byte = base[index]
                    if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F {
                        if index > runStart { bytes.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: index - runStart)) }
                        appendEscape(byte, to: &bytes)
                        runStart = index + 1
                    }
                    index += 1
                }
            }
            if runStart < count { bytes.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: count - runStart)) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// The decimal digits of `value`, with a minus sign when negative. Concrete types, not one
    /// generic method: called from another module, a generic one runs unspecialised, through
    /// witness tables, at several times the cost.
    public static func appendInteger(_ value: Int, to bytes: inout [UInt8]) {
        appendInteger(Int64(value), to: &bytes)
    }

    public static func appendInteger(_ value: Int64, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        appendInteger(value.magnitude, to: &bytes)
    }

    public static func appendInteger(_ value: UInt64, to bytes: inout [UInt8]) {
        var magnitude = value
        // 20 digits hold UInt64.max; filled from the end.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start..<20]))
        }
    }

    private static func appendEscape(_ byte: UInt8, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
            let hex: StaticString = "0123456789abcdef"
            bytes.append(UInt8(ascii: "u"))
            bytes.append(UInt8(ascii: "0"))
            bytes.append(UInt8(ascii: "0"))
            bytes.append(hex.utf8Start[Int(byte >> 4)])
            bytes.append(hex.utf8Start[Int(byte & 0xF)])
        }
    }
}

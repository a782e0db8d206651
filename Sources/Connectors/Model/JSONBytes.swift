/// Writes JSON strings and integers straight into bytes: for what is written on every request
/// (items, upstream request bodies, problems, log lines), where Foundation's encoders cost more
/// than the rest of the request. Shared by the gateway's writers and the marketplaces' bodies so
/// that there is one escaping rule.
public enum JSONBytes {
    /// `value` as a JSON string: `"` and `\` escaped, control characters and DEL as `\n`, `\r`,
    /// `\t` or `\u00XX`, everything else (non-ASCII UTF-8 included) as is. Written in place,
    /// with room for the worst case reserved once; runs that need no escape are copied whole.
    public static func appendString(_ value: String, to writer: inout ByteWriter) {
        // A native string lends its bytes as they are; only another (bridged, lazily decoded)
        // needs the copy that `withUTF8` makes contiguous.
        if value.utf8.withContiguousStorageIfAvailable({ appendString(utf8: $0, to: &writer) }) == nil {
            var value = value
            value.withUTF8 { appendString(utf8: $0, to: &writer) }
        }
    }

    private static func appendString(utf8: UnsafeBufferPointer<UInt8>, to writer: inout ByteWriter) {
        writer.write(upTo: utf8.count * 6 + 2) { out in
            var written = 0
            out[written] = UInt8(ascii: "\"")
            written += 1
            guard let base = utf8.baseAddress else {
                out[written] = UInt8(ascii: "\"")
                return written + 1
            }
            let count = utf8.count
            var runStart = 0
            var index = 0
            while index < count {
                // Eight bytes at a time, straight to the first that needs an escape; byte by
                // byte only in a last short word.
                if index + 8 <= count {
                    let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                    let escapes = ByteWord.jsonRunEnds(word) | ByteWord.matching(word, 0x7F)
                    guard escapes != 0 else {
                        index += 8
                        continue
                    }
                    index += ByteWord.firstByte(escapes)
                } else if !needsEscape(base[index]) {
                    index += 1
                    continue
                }
                (out.baseAddress! + written).copyMemory(from: base + runStart, byteCount: index - runStart)
                written += index - runStart
                written += writeEscape(base[index], to: out.baseAddress! + written)
                index += 1
                runStart = index
            }
            (out.baseAddress! + written).copyMemory(from: base + runStart, byteCount: count - runStart)
            written += count - runStart
            out[written] = UInt8(ascii: "\"")
            return written + 1
        }
    }

    /// The same, appended to an array (configuration and other cold paths).
    public static func appendString(_ value: String, to bytes: inout [UInt8]) {
        var writer = ByteWriter(capacity: value.utf8.count + 16)
        appendString(value, to: &writer)
        writer.append(to: &bytes)
    }

    /// The decimal digits of `value`, with a minus sign when negative. Concrete types, not one
    /// generic method: called from another module, a generic one runs unspecialised, through
    /// witness tables, at several times the cost.
    public static func appendInteger(_ value: Int, to writer: inout ByteWriter) {
        appendInteger(Int64(value), to: &writer)
    }

    /// The decimal digits of `value`, with a minus sign when negative (`Int64.min` included).
    public static func appendInteger(_ value: Int64, to writer: inout ByteWriter) {
        if value < 0 { writer.append(UInt8(ascii: "-")) }
        appendInteger(value.magnitude, to: &writer)
    }

    /// The decimal digits of `value`, written in place.
    public static func appendInteger(_ value: UInt64, to writer: inout ByteWriter) {
        writer.write(upTo: 20) { writeDecimal(value, to: $0) }
    }

    /// The decimal digits of `value` at the start of `out`, which has room for 20 (enough for
    /// `UInt64.max`); returns how many were written. Counted first, then filled from the end.
    public static func writeDecimal(_ value: UInt64, to out: UnsafeMutableRawBufferPointer) -> Int {
        var digits = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        var magnitude = value
        for index in stride(from: digits - 1, through: 0, by: -1) {
            out[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
            magnitude /= 10
        }
        return digits
    }

    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F
    }

    /// The escape for `byte` at `out`; returns its length (2 or 6).
    private static func writeEscape(_ byte: UInt8, to out: UnsafeMutableRawPointer) -> Int {
        out.storeBytes(of: UInt8(ascii: "\\"), as: UInt8.self)
        let second: UInt8
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): second = byte
        case 0x0A: second = UInt8(ascii: "n")
        case 0x0D: second = UInt8(ascii: "r")
        case 0x09: second = UInt8(ascii: "t")
        default:
            let hex: StaticString = "0123456789abcdef"
            out.storeBytes(of: UInt8(ascii: "u"), toByteOffset: 1, as: UInt8.self)
            out.storeBytes(of: UInt8(ascii: "0"), toByteOffset: 2, as: UInt8.self)
            out.storeBytes(of: UInt8(ascii: "0"), toByteOffset: 3, as: UInt8.self)
            out.storeBytes(of: hex.utf8Start[Int(byte >> 4)], toByteOffset: 4, as: UInt8.self)
            out.storeBytes(of: hex.utf8Start[Int(byte & 0xF)], toByteOffset: 5, as: UInt8.self)
            return 6
        }
        out.storeBytes(of: second, toByteOffset: 1, as: UInt8.self)
        return 2
    }
}

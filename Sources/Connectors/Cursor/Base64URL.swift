/// Unpadded base64url (RFC 4648 §5): cursors travel in query strings, so no `+`, `/` or `=`;
/// JWT segments (a Wildberries token's claims) are written the same way.
public enum Base64URL {
    private static let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for i in 0..<alphabet.utf8CodeUnitCount { table[Int(alphabet.utf8Start[i])] = UInt8(i) }
        return table
    }()

    /// `bytes` as unpadded base64url text.
    public static func encode(_ bytes: [UInt8]) -> String {
        var writer = ByteWriter(capacity: encodedCount(bytes.count))
        encode(bytes, into: &writer)
        return writer.withBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// The characters `bytes` encode to.
    static func encodedCount(_ count: Int) -> Int {
        (count * 4 + 2) / 3
    }

    /// Appends the encoding of `bytes`, written in place.
    static func encode(_ bytes: [UInt8], into writer: inout ByteWriter) {
        let table = alphabet.utf8Start
        let count = encodedCount(bytes.count)
        bytes.withUnsafeBufferPointer { input in
            writer.write(upTo: count) { out in
                var i = 0
                var o = 0
                while i + 3 <= input.count {
                    let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
                    out[o] = table[Int(n >> 18 & 63)]
                    out[o + 1] = table[Int(n >> 12 & 63)]
                    out[o + 2] = table[Int(n >> 6 & 63)]
                    out[o + 3] = table[Int(n & 63)]
                    i += 3
                    o += 4
                }
                if input.count - i == 1 {
                    let n = UInt32(input[i]) << 16
                    out[o] = table[Int(n >> 18 & 63)]
                    out[o + 1] = table[Int(n >> 12 & 63)]
                    o += 2
                } else if input.count - i == 2 {
                    let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8
                    out[o] = table[Int(n >> 18 & 63)]
                    out[o + 1] = table[Int(n >> 12 & 63)]
                    out[o + 2] = table[Int(n >> 6 & 63)]
                    o += 3
                }
                return o
            }
        }
    }

    /// Nil for a character outside the alphabet, padding, or an impossible length.
    public static func decode(_ text: Substring) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for c in chars {
            let v = values[Int(c)]
            guard v != 0xFF else { return nil }
            buffer = buffer << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        // Leftover bits must be zero, so each byte string has exactly one encoding.
        guard buffer & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return out
    }
}

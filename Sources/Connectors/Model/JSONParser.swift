import Glibc

/// A strict RFC 8259 reader into `JSONValue`: numbers keep their text (and must fit a double's
/// range), strings must be valid UTF-8 with valid escapes (no lone surrogates), no trailing
/// commas (Foundation lets those pass), nothing but whitespace may follow the value,
/// and nesting stops at `maxDepth` so a hostile body cannot exhaust the stack. Several times
/// cheaper than `JSONDecoder` into a `Codable` enum, and it says where a text stops being JSON.
struct JSONParser {
    static let maxDepth = 512

    let bytes: UnsafeRawBufferPointer
    var index = 0
    var depth = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes)
        parser.skipSpace()
        let value = try parser.value()
        parser.skipSpace()
        guard parser.index == bytes.count else { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    func error(_ reason: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: index, reason: reason)
    }

    mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func value() throws(JSONSyntaxError) -> JSONValue {
        guard index < bytes.count else { throw error("unexpected end of text, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw error("unexpected character, expected a value")
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("unexpected end of text in a literal") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw error("invalid literal, expected \(word)")
        }
        index += count
    }

    mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        guard depth <= Self.maxDepth else { throw error("nested deeper than \(Self.maxDepth) levels") }
    }

    private mutating func object() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        index += 1
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object([:])
        }
        // Room for a typical upstream object without rehashing as it grows.
        var members = [String: JSONValue](minimumCapacity: 12)
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let key = try string()
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':' after an object key") }
            index += 1
            skipSpace()
            members[key] = try value()
            skipSpace()
            guard index < bytes.count else { throw error("unexpected end of text in an object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "}") {
                index += 1
                depth -= 1
                return .object(members)
            } else {
                throw error("expected ',' or '}' in an object")
            }
        }
    }

    private mutating func array() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        index += 1
        var elements: [JSONValue] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipSpace()
            elements.append(try value())
            skipSpace()
            guard index < bytes.count else { throw error("unexpected end of text in an array") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "]") {
                index += 1
                depth -= 1
                return .array(elements)
            } else {
                throw error("expected ',' or ']' in an array")
            }
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, kept as written.
    private mutating func number() throws(JSONSyntaxError) -> JSONNumber {
        let start = index
        let hasExponent = try scanNumber()
        let number = JSONNumber(uncheckedText: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
        try checkRange(number, start: start, hasExponent: hasExponent)
        return number
    }

    /// Reads a number's grammar; says whether it has an exponent.
    mutating func scanNumber() throws(JSONSyntaxError) -> Bool {
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw error("expected a digit in a number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { throw error("a number may not have a leading zero") }
        } else {
            skipDigits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("expected a digit after '.'") }
            skipDigits()
        }
        let hasExponent = index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E"))
        if hasExponent {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("expected a digit in an exponent") }
            skipDigits()
        }
        return hasExponent
    }

    /// Up to 300 characters without an exponent cannot exceed a double's ~1.8e308; only longer
    /// literals and exponents need converting to find out.
    mutating func checkRange(_ number: @autoclosure () -> JSONNumber, start: Int, hasExponent: Bool) throws(JSONSyntaxError) {
        guard (!hasExponent && index - start <= 300) || number().double.isFinite else {
            index = start
            throw error("a number beyond the range of a double")
        }
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func skipDigits() {
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }

    /// A string starting at the opening quote. Runs without escapes are copied as they are,
    /// after the UTF-8 check.
    private mutating func string() throws(JSONSyntaxError) -> String {
        switch try scanString() {
        case .ascii(let range): String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        case .text(let text): text
        }
    }

    /// A string as read: an ASCII run with no escapes is left as its byte range (most keys and
    /// many values, which a reader may never need as a `String`); anything else has been
    /// checked and decoded already.
    enum StringScan {
        case ascii(Range<Int>)
        case text(String)
    }

    /// Reads a string starting at the opening quote, up to and past the closing one.
    mutating func scanString() throws(JSONSyntaxError) -> StringScan {
        index += 1
        let start = index
        // Eight bytes at a time while none of them ends the run (a quote, a backslash or a
        // control character); the loop below finds which one did.
        var wide: UInt64 = 0
        while index + 8 <= bytes.count {
            let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            guard !Self.mayEndRun(word) else { break }
            wide |= word
            index += 8
        }
        // OR of every byte of the run: below 0x80 means ASCII, which needs no UTF-8 check.
        var high: UInt8 = wide & 0x8080_8080_8080_8080 != 0 ? 0x80 : 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                if high < 0x80 {
                    index += 1
                    return .ascii(start..<(index - 1))
                }
                guard let text = Self.validUTF8(UnsafeRawBufferPointer(rebasing: bytes[start..<index])) else {
                    index = start
                    throw error("a string is not valid UTF-8")
                }
                index += 1
                return .text(text)
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("a control character must be escaped in a string") }
            high |= byte
            index += 1
        }
        var decoded = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = decoded.withUnsafeBytes({ Self.validUTF8($0) }) else {
                    throw error("a string is not valid UTF-8")
                }
                index += 1
                return .text(text)
            case UInt8(ascii: "\\"):
                index += 1
                try escape(into: &decoded)
            case 0..<0x20:
                throw error("a control character must be escaped in a string")
            default:
                decoded.append(byte)
                index += 1
            }
        }
        throw error("unexpected end of text in a string")
    }

    /// Whether any byte of `word` is `"`, a backslash or below 0x20 (SWAR: a byte is zero after the
    /// XOR exactly where it matched; the borrow test is exact for "any", which is all we need).
    @inline(__always)
    private static func mayEndRun(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let zeroQuote = (quote &- ones) & ~quote
        let zeroBackslash = (backslash &- ones) & ~backslash
        let control = (word &- ones &* 0x20) & ~word
        return (zeroQuote | zeroBackslash | control) & highs != 0
    }

    /// The text of `run`, or nil when it is not valid UTF-8. `String(decoding:)` repairs invalid
    /// sequences (with U+FFFD), so a repaired result differs from the input; this is several
    /// times cheaper than `String(validating:)`, which looks up generic metadata on every call.
    private static func validUTF8(_ run: UnsafeRawBufferPointer) -> String? {
        var text = String(decoding: run, as: UTF8.self)
        let same = text.withUTF8 { $0.count == run.count && (run.isEmpty || memcmp($0.baseAddress!, run.baseAddress!, run.count) == 0) }
        return same ? text : nil
    }

    /// One escape after its backslash, appended as UTF-8.
    private mutating func escape(into out: inout [UInt8]) throws(JSONSyntaxError) {
        guard index < bytes.count else { throw error("unexpected end of text in an escape") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(byte)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800...0xDBFF).contains(scalar) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw error("a high surrogate must be followed by a low surrogate")
                }
                index += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw error("a high surrogate must be followed by a low surrogate") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw error("a low surrogate without a high one")
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw error("not a Unicode scalar") }
            out.append(contentsOf: UTF8.encode(unicode)!)
        default:
            index -= 1
            throw error("unknown escape")
        }
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("expected four hex digits after \\u") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("expected four hex digits after \\u")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}

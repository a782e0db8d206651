import Glibc

/// A strict RFC 8259 reader: numbers keep their text (and must fit a double's range), strings
/// must be valid UTF-8 with valid escapes (no lone surrogates), no trailing commas (Foundation
/// lets those pass), nothing but whitespace may follow the value, and nesting stops at
/// `maxDepth` so a hostile body cannot exhaust the stack. It writes a `JSONTape`, from which
/// `JSONReadable` types read themselves and `JSONValue` is built, and it says where a text stops
/// being JSON. One leniency can be asked for: a lone surrogate escape (`"\ud800"`, which RFC 8259
/// §8.2 leaves unpredictable) read as U+FFFD, for a marketplace's answer, where one stray
/// escape in one buyer's text would otherwise make the whole page unreadable.
struct JSONParser {
    static let maxDepth = 512

    private let bytes: UnsafeRawBufferPointer
    private let replacesLoneSurrogates: Bool
    private var index = 0
    private var depth = 0

    private init(_ bytes: UnsafeRawBufferPointer, replacesLoneSurrogates: Bool) {
        self.bytes = bytes
        self.replacesLoneSurrogates = replacesLoneSurrogates
    }

    /// Reads `bytes`, which must hold one JSON value and nothing else but white space, into `tape`;
    /// with `replacesLoneSurrogates`, a lone surrogate escape is U+FFFD instead of an error.
    static func parse(_ bytes: UnsafeRawBufferPointer, into tape: inout JSONTape.Builder,
                      replacesLoneSurrogates: Bool = false) throws(JSONSyntaxError) {
        var parser = JSONParser(bytes, replacesLoneSurrogates: replacesLoneSurrogates)
        parser.skipSpace()
        try parser.value(into: &tape)
        parser.skipSpace()
        guard parser.index == bytes.count else { throw parser.error("unexpected text after the JSON value") }
    }

    private func error(_ reason: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: index, reason: reason)
    }

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("unexpected end of text in a literal") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw error("invalid literal, expected \(word)")
        }
        index += count
    }

    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        guard depth <= Self.maxDepth else { throw error("nested deeper than \(Self.maxDepth) levels") }
    }

    /// Reads one value into `tape`.
    private mutating func value(into tape: inout JSONTape.Builder) throws(JSONSyntaxError) {
        guard index < bytes.count else { throw error("unexpected end of text, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): try object(into: &tape)
        case UInt8(ascii: "["): try array(into: &tape)
        case UInt8(ascii: "\""): try string(into: &tape)
        case UInt8(ascii: "t"): try literal("true"); tape.append(.true)
        case UInt8(ascii: "f"): try literal("false"); tape.append(.false)
        case UInt8(ascii: "n"): try literal("null"); tape.append(.null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = index
            let hasExponent = try scanNumber()
            let text = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
            try checkRange(JSONNumber(uncheckedText: String(decoding: text, as: UTF8.self)), start: start, hasExponent: hasExponent)
            tape.entries.append(JSONTape.Entry(kind: .number, flags: 0, start: UInt32(start), length: UInt32(index - start),
                                               next: UInt32(tape.entries.count + 1)))
        default: throw error("unexpected character, expected a value")
        }
    }

    private mutating func object(into tape: inout JSONTape.Builder) throws(JSONSyntaxError) {
        try enter()
        index += 1
        let slot = tape.entries.count
        tape.entries.append(JSONTape.Entry(kind: .object, flags: 0, start: 0, length: 0, next: 0))
        skipSpace()
        var count: UInt32 = 0
        // One bit of 128 per (length, first byte, last byte) of the keys so far: only a key whose
        // bit is already set can repeat one, and only then are earlier keys compared. With 64
        // bits, every Ozon review (11 keys) raised a false alarm ("id", "videos_amount").
        var seen: (low: UInt64, high: UInt64) = (0, 0)
        // Past `hashedFrom` keys the filter is full and comparing with every earlier key would
        // make an object of n keys cost n²: its keys go into a table by hash instead.
        var table: [UInt64: [Int]]? = nil
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a string key") }
                let keyIndex = tape.entries.count
                try string(into: &tape)
                if count < Self.hashedFrom {
                    let bit = Self.keyBit(tape, keyIndex)
                    let mask: UInt64 = 1 &<< (bit & 63)
                    let repeated = bit < 64 ? seen.low & mask : seen.high & mask
                    if repeated != 0 { Self.shadowEarlier(&tape, object: slot, key: keyIndex) }
                    if bit < 64 { seen.low |= mask } else { seen.high |= mask }
                } else {
                    if table == nil { table = Self.table(tape, object: slot, upTo: keyIndex) }
                    Self.shadowEarlier(&tape, key: keyIndex, in: &table!)
                }
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':' after an object key") }
                index += 1
                skipSpace()
                try value(into: &tape)
                count += 1
                skipSpace()
                guard index < bytes.count else { throw error("unexpected end of text in an object") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    break
                } else {
                    throw error("expected ',' or '}' in an object")
                }
            }
        }
        depth -= 1
        tape.entries[slot].length = count
        tape.entries[slot].next = UInt32(tape.entries.count)
    }

    private mutating func array(into tape: inout JSONTape.Builder) throws(JSONSyntaxError) {
        try enter()
        index += 1
        let slot = tape.entries.count
        tape.entries.append(JSONTape.Entry(kind: .array, flags: 0, start: 0, length: 0, next: 0))
        skipSpace()
        var count: UInt32 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
        } else {
            while true {
                skipSpace()
                try value(into: &tape)
                count += 1
                skipSpace()
                guard index < bytes.count else { throw error("unexpected end of text in an array") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    break
                } else {
                    throw error("expected ',' or ']' in an array")
                }
            }
        }
        depth -= 1
        tape.entries[slot].length = count
        tape.entries[slot].next = UInt32(tape.entries.count)
    }

    /// The key's bit (0…127): from its length and first and last bytes, the same for a raw key
    /// and an escaped one of equal text (`"id"` and `"\u0069d"`).
    private static func keyBit(_ tape: JSONTape.Builder, _ key: Int) -> UInt64 {
        let entry = tape.entries[key]
        guard entry.flags & JSONTape.decoded == 0 else {
            return JSONTape.withUTF8(entry, strings: tape.strings, bytes: tape.bytes) { bit($0) }
        }
        return bit(JSONTape.raw(entry, in: tape.bytes))
    }

    private static func bit(_ utf8: UnsafeRawBufferPointer) -> UInt64 {
        guard let first = utf8.first, let last = utf8.last else { return 0 }
        return (UInt64(utf8.count) &* 31 &+ UInt64(first) &* 7 &+ UInt64(last)) & 127
    }

    /// Keys an object holds before its repeats are found by hash rather than by comparison.
    static let hashedFrom: UInt32 = 32

    /// The key's text hashed with the process's random seed (the same for a raw key and an
    /// escaped one of equal text): a fixed hash would let a body of colliding keys bring the n²
    /// back.
    private static func keyHash(_ tape: JSONTape.Builder, _ key: Int) -> UInt64 {
        func hash(_ utf8: UnsafeRawBufferPointer) -> UInt64 {
            var hasher = Hasher()
            hasher.combine(bytes: utf8)
            return UInt64(bitPattern: Int64(hasher.finalize()))
        }
        let entry = tape.entries[key]
        guard entry.flags & JSONTape.decoded == 0 else {
            return JSONTape.withUTF8(entry, strings: tape.strings, bytes: tape.bytes) { hash($0) }
        }
        return hash(JSONTape.raw(entry, in: tape.bytes))
    }

    /// The object's keys before `end` (the first `hashedFrom`, repeats already marked) by hash.
    private static func table(_ tape: JSONTape.Builder, object: Int, upTo end: Int) -> [UInt64: [Int]] {
        var table: [UInt64: [Int]] = [:]
        var key = object + 1
        while key < end {
            if tape.entries[key].flags & JSONTape.shadowed == 0 { table[keyHash(tape, key), default: []].append(key) }
            key = Int(tape.entries[key + 1].next)
        }
        return table
    }

    /// `shadowEarlier` for a big object: compares `key` only with the earlier keys of its hash,
    /// then files it. The table holds only keys not shadowed, so a key given a thousand times
    /// is compared with one earlier key each time, not with all its earlier copies.
    private static func shadowEarlier(_ tape: inout JSONTape.Builder, key: Int, in table: inout [UInt64: [Int]]) {
        let hash = keyHash(tape, key)
        if let keys = table[hash], let position = keys.firstIndex(where: { sameKey(tape, key, $0) }) {
            tape.entries[keys[position]].flags |= JSONTape.shadowed
            table[hash]![position] = key
        } else {
            table[hash, default: []].append(key)
        }
    }

    private static func sameKey(_ tape: JSONTape.Builder, _ a: Int, _ b: Int) -> Bool {
        let (strings, bytes) = (tape.strings, tape.bytes)
        let (entry, other) = (tape.entries[a], tape.entries[b])
        if entry.flags | other.flags == 0 {
            return entry.length == other.length
                && memcmp(JSONTape.raw(entry, in: bytes).baseAddress!, JSONTape.raw(other, in: bytes).baseAddress!, Int(entry.length)) == 0
        }
        return JSONTape.withUTF8(entry, strings: strings, bytes: bytes) { x in
            JSONTape.withUTF8(other, strings: strings, bytes: bytes) { y in x.elementsEqual(y) }
        }
    }

    /// Marks an earlier key of the object equal to `key` as shadowed: a later value wins. Raw
    /// keys (the usual case, and that of the filter's false alarms) are compared with `memcmp`.
    private static func shadowEarlier(_ tape: inout JSONTape.Builder, object: Int, key: Int) {
        var earlier = object + 1
        while earlier < key {
            if tape.entries[earlier].flags & JSONTape.shadowed == 0, sameKey(tape, key, earlier) {
                tape.entries[earlier].flags |= JSONTape.shadowed
            }
            earlier = Int(tape.entries[earlier + 1].next)
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`: reads a number's grammar, kept as written;
    /// says whether it has an exponent.
    private mutating func scanNumber() throws(JSONSyntaxError) -> Bool {
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
    private mutating func checkRange(_ number: @autoclosure () -> JSONNumber, start: Int, hasExponent: Bool) throws(JSONSyntaxError) {
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

    /// Reads a string starting at the opening quote, up to and past the closing one, into its
    /// entry: an ASCII run with no escapes stays its byte range (most keys and many values, which
    /// a reader may never need as a `String`); anything else is checked, decoded and kept in
    /// `strings`.
    private mutating func string(into tape: inout JSONTape.Builder) throws(JSONSyntaxError) {
        index += 1
        let start = index
        // Eight bytes at a time up to the first that ends the run (a quote, a backslash or a
        // control character), where the loop below takes over; it walks only a last short word.
        var wide: UInt64 = 0
        while index + 8 <= bytes.count {
            let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let ends = ByteWord.jsonRunEnds(word)
            if ends != 0 {
                let offset = ByteWord.firstByte(ends)
                wide |= ByteWord.prefix(word, offset)
                index += offset
                break
            }
            wide |= word
            index += 8
        }
        // OR of every byte of the run: below 0x80 means ASCII, which needs no UTF-8 check.
        var high: UInt8 = wide & 0x8080_8080_8080_8080 != 0 ? 0x80 : 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                if high < 0x80 {
                    tape.entries.append(JSONTape.Entry(kind: .string, flags: 0, start: UInt32(start), length: UInt32(index - start),
                                                       next: UInt32(tape.entries.count + 1)))
                    index += 1
                    return
                }
                guard let text = String(validUTF8: UnsafeRawBufferPointer(rebasing: bytes[start..<index])) else {
                    index = start
                    throw error("a string is not valid UTF-8")
                }
                index += 1
                Self.appendDecoded(text, to: &tape)
                return
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
                guard let text = decoded.withUnsafeBytes({ String(validUTF8: $0) }) else {
                    throw error("a string is not valid UTF-8")
                }
                index += 1
                Self.appendDecoded(text, to: &tape)
                return
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

    private static func appendDecoded(_ text: String, to tape: inout JSONTape.Builder) {
        tape.entries.append(JSONTape.Entry(kind: .string, flags: JSONTape.decoded, start: UInt32(tape.strings.count), length: 0,
                                           next: UInt32(tape.entries.count + 1)))
        // Answers with one such string mostly have many (texts in Cyrillic): grown once, not
        // doubled from one.
        if tape.strings.isEmpty { tape.strings.reserveCapacity(16) }
        tape.strings.append(text)
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
                if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u"),
                   let low = peekHex4(at: index + 2), (0xDC00...0xDFFF).contains(low) {
                    index += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if replacesLoneSurrogates {
                    // What follows is read as itself.
                    out.append(contentsOf: Self.replacementCharacter)
                    return
                } else {
                    throw error("a high surrogate must be followed by a low surrogate")
                }
            } else if (0xDC00...0xDFFF).contains(scalar) {
                guard replacesLoneSurrogates else { throw error("a low surrogate without a high one") }
                out.append(contentsOf: Self.replacementCharacter)
                return
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw error("not a Unicode scalar") }
            out.append(contentsOf: UTF8.encode(unicode)!)
        default:
            index -= 1
            throw error("unknown escape")
        }
    }

    /// U+FFFD in UTF-8.
    private static let replacementCharacter: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// The four hex digits at `start` as a number, without moving on; nil when they are not.
    private func peekHex4(at start: Int) -> UInt32? {
        guard start + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for offset in 0..<4 {
            guard let digit = Self.hexDigit(bytes[start + offset]) else { return nil }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("expected four hex digits after \\u") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = Self.hexDigit(bytes[index]) else { throw error("expected four hex digits after \\u") }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// A hexadecimal digit's value (the parser is built alone for fuzzing, without `Hashing`'s `Hex`).
    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

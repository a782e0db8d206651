import Glibc

extension JSONParser {
    /// Reads one value into `tape`: the same grammar, checks and errors as `value()`, written as
    /// entries instead of a tree.
    mutating func tapeValue(into tape: inout JSONTape.Builder) throws(JSONSyntaxError) {
        guard index < bytes.count else { throw error("unexpected end of text, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): try tapeObject(into: &tape)
        case UInt8(ascii: "["): try tapeArray(into: &tape)
        case UInt8(ascii: "\""): try tapeString(into: &tape)
        case UInt8(ascii: "t"): try literal("true"); tape.append(.true)
        case UInt8(ascii: "f"): try literal("false"); tape.append(.false)
        case UInt8(ascii: "n"): try literal("null"); tape.append(.null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = index
            let hasExponent = try scanNumber()
            let text = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
            try checkRange(JSONNumber(uncheckedText: String(decoding: text, as: UTF8.self)), start: start, hasExponent: hasExponent)
            tape.entries.append(JSONTape.Entry(kind: .number, flags: 0, start: UInt32(start), length: UInt32(index - start), next: 0))
            tape.entries[tape.entries.count - 1].next = UInt32(tape.entries.count)
        default: throw error("unexpected character, expected a value")
        }
    }

    private mutating func tapeString(into tape: inout JSONTape.Builder) throws(JSONSyntaxError) {
        switch try scanString() {
        case .ascii(let range):
            tape.entries.append(JSONTape.Entry(kind: .string, flags: 0, start: UInt32(range.lowerBound), length: UInt32(range.count),
                                               next: UInt32(tape.entries.count + 1)))
        case .text(let text):
            tape.entries.append(JSONTape.Entry(kind: .string, flags: JSONTape.decoded, start: UInt32(tape.strings.count), length: 0,
                                               next: UInt32(tape.entries.count + 1)))
            tape.strings.append(text)
        }
    }

    private mutating func tapeObject(into tape: inout JSONTape.Builder) throws(JSONSyntaxError) {
        try enter()
        index += 1
        let slot = tape.entries.count
        tape.entries.append(JSONTape.Entry(kind: .object, flags: 0, start: 0, length: 0, next: 0))
        skipSpace()
        var count: UInt32 = 0
        // One bit per (length, first byte, last byte) of the keys so far: only a key whose bit is
        // already set can repeat one, and only then are earlier keys compared.
        var seen: UInt64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a string key") }
                let keyIndex = tape.entries.count
                try tapeString(into: &tape)
                let bit = Self.keyBit(tape, keyIndex)
                if seen & bit != 0 { Self.shadowEarlier(&tape, object: slot, key: keyIndex) }
                seen |= bit
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':' after an object key") }
                index += 1
                skipSpace()
                try tapeValue(into: &tape)
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

    private mutating func tapeArray(into tape: inout JSONTape.Builder) throws(JSONSyntaxError) {
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
                try tapeValue(into: &tape)
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

    private static func keyBit(_ tape: JSONTape.Builder, _ key: Int) -> UInt64 {
        let entry = tape.entries[key]
        guard entry.flags & JSONTape.decoded == 0 else { return 1 << 63 }
        guard entry.length > 0 else { return 1 }
        let first = tape.bytes[Int(entry.start)], last = tape.bytes[Int(entry.start + entry.length - 1)]
        return 1 << ((UInt64(entry.length) &* 31 &+ UInt64(first) &* 7 &+ UInt64(last)) & 63)
    }

    /// Marks an earlier key of the object equal to `key` as shadowed: a later value wins.
    private static func shadowEarlier(_ tape: inout JSONTape.Builder, object: Int, key: Int) {
        var text = JSONTape.string(tape.entries[key], strings: tape.strings, bytes: tape.bytes)
        var earlier = object + 1
        while earlier < key {
            if tape.entries[earlier].flags & JSONTape.shadowed == 0,
               JSONTape.string(tape.entries[earlier], equals: &text, strings: tape.strings, bytes: tape.bytes) {
                tape.entries[earlier].flags |= JSONTape.shadowed
            }
            earlier = Int(tape.entries[earlier + 1].next)
        }
    }
}

extension JSONTape.Builder {
    /// A literal's entry.
    mutating func append(_ kind: JSONTape.Kind) {
        entries.append(JSONTape.Entry(kind: kind, flags: 0, start: 0, length: 0, next: UInt32(entries.count + 1)))
    }
}

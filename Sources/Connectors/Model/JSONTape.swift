/// A parsed JSON text as one flat array of entries over the text's bytes: what `JSONReadable`
/// types read themselves from (through `JSONElement`), with no tree of values built and torn
/// down per answer. A container's entry is followed by its members (an object's as key, value, key,
/// value…) and says where its last one ends, so a reader skips a whole subtree in one step. ASCII
/// strings without escapes stay byte ranges until a reader asks for them; other strings were
/// decoded (and checked) by the parser and wait in `strings`. Numbers stay byte ranges.
///
/// The entries point into the bytes it was parsed from, which must outlive it: it lives for one
/// `JSONReadable.init(parsing:)` call only.
final class JSONTape {
    enum Kind: UInt8 {
        case null, `false`, `true`, number, string, array, object
    }

    struct Entry {
        var kind: Kind
        /// Strings: `decoded` (the text is `strings[start]`), `shadowed` (an object key given
        /// again later in the same object, which then wins, as in a dictionary).
        var flags: UInt8
        /// Byte offset of a number or raw string; index into `strings` for a decoded one.
        var start: UInt32
        /// Byte length of a number or raw string; member or element count of a container.
        var length: UInt32
        /// The entry just past this value, and past its members for a container.
        var next: UInt32
    }

    static let decoded: UInt8 = 1
    static let shadowed: UInt8 = 2

    // Constants once parsed: reading a `let` of a final class needs no exclusivity check, which
    // for `var`s cost more than the rest of decoding.
    let bytes: UnsafeRawBufferPointer
    let entries: [Entry]
    let strings: [String]

    /// What the parser fills in; becomes the tape's constants.
    struct Builder {
        let bytes: UnsafeRawBufferPointer
        var entries: [Entry] = []
        var strings: [String] = []

        /// A literal's entry.
        mutating func append(_ kind: Kind) {
            entries.append(Entry(kind: kind, flags: 0, start: 0, length: 0, next: UInt32(entries.count + 1)))
        }
    }

    /// Parses `bytes` (a UTF-8 byte order mark is skipped) with `JSONParser`'s rules, a lone
    /// surrogate escape read as U+FFFD with `replacesLoneSurrogates` (see `JSONParser`).
    init(parsing bytes: UnsafeRawBufferPointer, replacesLoneSurrogates: Bool = false) throws(JSONSyntaxError) {
        var bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = UnsafeRawBufferPointer(rebasing: bytes[3...]) }
        var builder = Builder(bytes: bytes)
        // A page of 20 Ozon reviews is one entry per 13 bytes (466 in 6.2 kB): reserved for one per
        // 12, it is not grown (and copied) half-way; texts longer than the simulator's only leave
        // room unused.
        builder.entries.reserveCapacity(bytes.count / 12 + 4)
        try JSONParser.parse(bytes, into: &builder, replacesLoneSurrogates: replacesLoneSurrogates)
        self.bytes = bytes
        entries = builder.entries
        strings = builder.strings
    }

    // MARK: - Reading entries

    /// The string at `index` (a string entry).
    func string(at index: Int) -> String {
        Self.string(entries[index], strings: strings, bytes: bytes)
    }

    /// Whether the string at `index` is `text`, without making a `String` of a raw one.
    func string(at index: Int, equals text: inout String) -> Bool {
        Self.string(entries[index], equals: &text, strings: strings, bytes: bytes)
    }

    static func string(_ entry: Entry, equals text: inout String, strings: [String], bytes: UnsafeRawBufferPointer) -> Bool {
        if entry.flags & decoded != 0 { return strings[Int(entry.start)] == text }
        return text.withUTF8 { utf8 in UnsafeRawBufferPointer(utf8).elementsEqual(raw(entry, in: bytes)) }
    }

    static func string(_ entry: Entry, strings: [String], bytes: UnsafeRawBufferPointer) -> String {
        if entry.flags & decoded != 0 { return strings[Int(entry.start)] }
        // The parser keeps a string raw only when it is ASCII with no escape: no check needed,
        // where `String(decoding:)` would check it again.
        return String(uncheckedUTF8: raw(entry, in: bytes).assumingMemoryBound(to: UInt8.self), isASCII: true)
    }

    /// The bytes a number or a raw (undecoded) string occupies in the text.
    static func raw(_ entry: Entry, in bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[Int(entry.start)..<Int(entry.start + entry.length)])
    }

    /// Calls `body` with the UTF-8 of a string entry, raw or decoded.
    static func withUTF8<R>(_ entry: Entry, strings: [String], bytes: UnsafeRawBufferPointer,
                            _ body: (UnsafeRawBufferPointer) -> R) -> R {
        guard entry.flags & decoded != 0 else { return body(raw(entry, in: bytes)) }
        var text = strings[Int(entry.start)]
        return text.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }

    /// The bytes of the number at `index`.
    func numberBytes(at index: Int) -> UnsafeRawBufferPointer {
        Self.raw(entries[index], in: bytes)
    }

    /// The number at `index` as a `T` when it is an integer that fits: `20`, and like
    /// `JSONDecoder` also `20.0` or `2e1`; never `20.5`. Plain digits (and a minus) are read
    /// straight from the bytes, other forms from their digits too, never through `Double` (which
    /// would take `3000000000000000001.0` for `3000000000000000000`).
    func integer<T: FixedWidthInteger>(at index: Int, as type: T.Type) -> T? {
        if let value = Self.plainInteger(numberBytes(at: index)), let exact = T(exactly: value) { return exact }
        let number = number(at: index)
        if let exact = T(number.text) { return exact }
        guard let (negative, magnitude) = number.integerParts else { return nil }
        guard negative, magnitude > 0 else { return T(exactly: magnitude) }
        guard T.isSigned, magnitude <= UInt64(Int64.max) + 1 else { return nil }
        return T(exactly: magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude))
    }

    /// The value of `-?[0-9]{1,18}`, which always fits `Int64`; nil for any other text.
    static func plainInteger(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        var i = 0
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { i = 1 }
        let digits = bytes.count - i
        guard digits >= 1, digits <= 18 else { return nil }
        var value: Int64 = 0
        while i < bytes.count {
            let digit = bytes[i] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value &* 10 &+ Int64(digit)
            i += 1
        }
        return negative ? -value : value
    }

    func number(at index: Int) -> JSONNumber {
        JSONNumber(uncheckedText: String(decoding: numberBytes(at: index), as: UTF8.self))
    }

    /// The value at `index` as a tree, for readers that want the upstream's object as it came.
    func value(at index: Int) -> JSONValue {
        let entry = entries[index]
        switch entry.kind {
        case .null: return .null
        case .false: return .bool(false)
        case .true: return .bool(true)
        case .number: return .number(number(at: index))
        case .string: return .string(string(at: index))
        case .array:
            var elements: [JSONValue] = []
            elements.reserveCapacity(Int(entry.length))
            var child = index + 1
            for _ in 0..<entry.length {
                elements.append(value(at: child))
                child = Int(entries[child].next)
            }
            return .array(elements)
        case .object:
            var members = [String: JSONValue](minimumCapacity: Int(entry.length))
            var key = index + 1
            for _ in 0..<entry.length {
                if entries[key].flags & Self.shadowed == 0 { members[string(at: key)] = value(at: key + 1) }
                key = Int(entries[key + 1].next)
            }
            return .object(members)
        }
    }
}

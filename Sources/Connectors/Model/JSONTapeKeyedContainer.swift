import Glibc

/// An object's members for `JSONTapeDecoder`, found by comparing the wanted key's UTF-8 with the
/// keys' bytes, starting after the member found last. Scalars are read straight from the
/// member's entry; a decoder is made only for nested and custom types.
struct JSONTapeKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    /// The object's own decoder: the parent of every member's, and the source of the path.
    let decoder: JSONTapeDecoder
    private var tape: JSONTape { decoder.tape }

    init(decoder: JSONTapeDecoder) {
        self.decoder = decoder
    }

    var codingPath: [any CodingKey] { decoder.codingPath }

    var allKeys: [Key] {
        var keys: [Key] = []
        forEachMember { keyIndex in
            if let key = Key(stringValue: tape.string(at: keyIndex)) { keys.append(key) }
            return false
        }
        return keys
    }

    /// Calls `body` with each member's key entry (shadowed ones skipped) until it returns true.
    private func forEachMember(_ body: (Int) -> Bool) {
        let object = decoder.index
        var keyIndex = object + 1
        for _ in 0..<tape.entries[object].length {
            if tape.entries[keyIndex].flags & JSONTape.shadowed == 0, body(keyIndex) { return }
            keyIndex = Int(tape.entries[keyIndex + 1].next)
        }
    }

    /// The value entry of `key`, or nil when the object has no such member. Raw keys are
    /// compared as bytes with the wanted key's UTF-8, got once.
    private func find(_ key: Key) -> Int? {
        let tape = self.tape
        let entries = tape.entries
        let object = decoder.index
        let count = Int(entries[object].length)
        guard count > 0 else { return nil }
        let first = object + 1, end = Int(entries[object].next)
        let hint = decoder.hint
        var name = key.stringValue
        let found: Int? = name.withUTF8 { wanted in
            let base = tape.bytes.baseAddress!
            var keyIndex = hint >= first && hint < end ? hint : first
            for _ in 0..<count {
                let entry = entries[keyIndex]
                let valueIndex = keyIndex + 1
                if entry.flags == 0 {
                    if Int(entry.length) == wanted.count
                        && (wanted.isEmpty || memcmp(wanted.baseAddress!, base + Int(entry.start), wanted.count) == 0) {
                        return valueIndex
                    }
                } else if entry.flags & JSONTape.shadowed == 0,
                          tape.strings[Int(entry.start)].utf8.elementsEqual(UnsafeBufferPointer(start: wanted.baseAddress, count: wanted.count)) {
                    return valueIndex
                }
                let next = Int(entries[valueIndex].next)
                keyIndex = next < end ? next : first
            }
            return nil
        }
        if let found { decoder.hint = Int(entries[found].next) }
        return found
    }

    func contains(_ key: Key) -> Bool { find(key) != nil }

    private func member(_ key: Key) throws -> Int {
        guard let index = find(key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no value for \"\(key.stringValue)\""))
        }
        return index
    }

    private func child(_ key: Key) throws -> JSONTapeDecoder {
        JSONTapeDecoder(tape: tape, index: try member(key), parent: decoder, key: key)
    }

    private func path(_ key: Key) -> [any CodingKey] { codingPath + [key] }

    /// One lookup instead of the default's three (contains, decodeNil, decode).
    private func present(_ key: Key) -> Int? {
        guard let index = find(key), tape.entries[index].kind != .null else { return nil }
        return index
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let index = present(key) else { return nil }
        return try JSONTapeDecoder(tape: tape, index: index, parent: decoder, key: key).decode(type)
    }

    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        try present(key).map { index in try JSONTapeDecoder.string(tape, index) { path(key) } }
    }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        try present(key).map { index in try JSONTapeDecoder.bool(tape, index) { path(key) } }
    }

    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        try present(key).map { index in try JSONTapeDecoder.integer(tape, index, type) { path(key) } }
    }

    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? {
        try present(key).map { index in try JSONTapeDecoder.integer(tape, index, type) { path(key) } }
    }

    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
        try present(key).map { index in try JSONTapeDecoder.double(tape, index) { path(key) } }
    }

    func decodeNil(forKey key: Key) throws -> Bool { tape.entries[try member(key)].kind == .null }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try JSONTapeDecoder.bool(tape, member(key)) { path(key) } }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try JSONTapeDecoder.string(tape, member(key)) { path(key) } }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try JSONTapeDecoder.double(tape, member(key)) { path(key) } }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try JSONTapeDecoder.float(tape, member(key)) { path(key) } }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(key, type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(key, type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(key, type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(key, type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(key, type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(key, type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(key, type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(key, type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(key, type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(key, type) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try child(key).decode(type) }

    private func integer<T: FixedWidthInteger>(_ key: Key, _ type: T.Type) throws -> T {
        try JSONTapeDecoder.integer(tape, member(key), type) { path(key) }
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try child(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try child(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        var index = -1
        var name = "super"
        forEachMember { keyIndex in
            if tape.string(at: keyIndex, equals: &name) { index = keyIndex + 1 }
            return index >= 0
        }
        return JSONTapeDecoder(tape: tape, index: index, codingPath: codingPath)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        JSONTapeDecoder(tape: tape, index: find(key) ?? -1, parent: decoder, key: key)
    }
}

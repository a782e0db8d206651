/// An object's members for `JSONTreeDecoder`, looked up by key as they were parsed. Scalars are
/// read straight from the member; a decoder is made only for nested and custom types.
struct JSONKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [String: JSONValue]
    /// The object's own decoder: the parent of every member's, and the source of the path.
    let decoder: JSONTreeDecoder

    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

    private func member(_ key: Key) throws -> JSONValue {
        guard let value = members[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no value for \"\(key.stringValue)\""))
        }
        return value
    }

    private func child(_ key: Key) throws -> JSONTreeDecoder {
        JSONTreeDecoder(value: try member(key), parent: decoder, key: key)
    }

    private func path(_ key: Key) -> [any CodingKey] { codingPath + [key] }

    /// One lookup instead of the default's three (contains, decodeNil, decode): wire types read
    /// most fields with `decodeIfPresent`.
    private func present(_ key: Key) -> JSONValue? {
        guard let value = members[key.stringValue], !value.isNull else { return nil }
        return value
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = present(key) else { return nil }
        return try JSONTreeDecoder(value: value, parent: decoder, key: key).decode(type)
    }

    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        try present(key).map { value in try JSONTreeDecoder.string(value) { path(key) } }
    }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        try present(key).map { value in try JSONTreeDecoder.bool(value) { path(key) } }
    }

    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        try present(key).map { value in try JSONTreeDecoder.integer(value, type) { path(key) } }
    }

    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? {
        try present(key).map { value in try JSONTreeDecoder.integer(value, type) { path(key) } }
    }

    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
        try present(key).map { value in try JSONTreeDecoder.double(value) { path(key) } }
    }

    func decodeNil(forKey key: Key) throws -> Bool { try member(key).isNull }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try JSONTreeDecoder.bool(member(key)) { path(key) } }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try JSONTreeDecoder.string(member(key)) { path(key) } }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try JSONTreeDecoder.double(member(key)) { path(key) } }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try JSONTreeDecoder.float(member(key)) { path(key) } }
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
        try JSONTreeDecoder.integer(member(key), type) { path(key) }
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try child(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try child(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        JSONTreeDecoder(value: members["super"] ?? .null, codingPath: codingPath)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        JSONTreeDecoder(value: members[key.stringValue] ?? .null, parent: decoder, key: key)
    }
}

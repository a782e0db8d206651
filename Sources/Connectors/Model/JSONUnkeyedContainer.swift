/// An array's elements for `JSONTreeDecoder`, in order. An element is consumed only when it
/// decodes, as with `JSONDecoder`, so a caller can retry it as another type.
struct JSONUnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    /// The array's own decoder: the parent of every element's, and the source of the path.
    let decoder: JSONTreeDecoder
    private(set) var currentIndex = 0

    init(elements: [JSONValue], decoder: JSONTreeDecoder) {
        self.elements = elements
        self.decoder = decoder
    }

    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private struct IndexKey: CodingKey {
        let intValue: Int?
        var stringValue: String { "Index \(intValue ?? 0)" }
        init(_ index: Int) { intValue = index }
        init?(stringValue: String) { nil }
        init?(intValue: Int) { self.intValue = intValue }
    }

    private func current() throws -> JSONValue {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(JSONValue.self, .init(codingPath: codingPath, debugDescription: "the array has no more elements"))
        }
        return elements[currentIndex]
    }

    private func path() -> [any CodingKey] { codingPath + [IndexKey(currentIndex)] }

    /// The current element through `read` (given the element's path for its errors), consumed
    /// only if it reads.
    private mutating func next<T>(_ read: (JSONValue, () -> [any CodingKey]) throws -> T) throws -> T {
        let position = self
        let value = try read(current(), position.path)
        currentIndex += 1
        return value
    }

    private mutating func nextDecoder<T>(_ read: (JSONTreeDecoder) throws -> T) throws -> T {
        let element = JSONTreeDecoder(value: try current(), parent: decoder, key: IndexKey(currentIndex))
        let value = try read(element)
        currentIndex += 1
        return value
    }

    mutating func decodeNil() throws -> Bool {
        guard try current().isNull else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next { try JSONTreeDecoder.bool($0, path: $1) } }
    mutating func decode(_ type: String.Type) throws -> String { try next { try JSONTreeDecoder.string($0, path: $1) } }
    mutating func decode(_ type: Double.Type) throws -> Double { try next { try JSONTreeDecoder.double($0, path: $1) } }
    mutating func decode(_ type: Float.Type) throws -> Float { try next { try JSONTreeDecoder.float($0, path: $1) } }
    mutating func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try nextDecoder { try $0.decode(type) } }

    private mutating func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        try next { try JSONTreeDecoder.integer($0, type, path: $1) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try nextDecoder { try $0.container(keyedBy: type) }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try nextDecoder { try $0.unkeyedContainer() }
    }

    mutating func superDecoder() throws -> any Decoder {
        try nextDecoder { $0 }
    }
}

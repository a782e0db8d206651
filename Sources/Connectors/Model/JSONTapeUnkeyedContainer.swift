/// An array's elements for `JSONTapeDecoder`, in order. An element is consumed only when it
/// decodes, as with `JSONDecoder`, so a caller can retry it as another type.
struct JSONTapeUnkeyedContainer: UnkeyedDecodingContainer {
    /// The array's own decoder: the parent of every element's, and the source of the path.
    let decoder: JSONTapeDecoder
    private(set) var currentIndex = 0
    /// The entry of the current element.
    private var entry: Int
    private let elementCount: Int

    init(decoder: JSONTapeDecoder) {
        self.decoder = decoder
        entry = decoder.index + 1
        elementCount = Int(decoder.tape.entries[decoder.index].length)
    }

    private var tape: JSONTape { decoder.tape }
    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { elementCount }
    var isAtEnd: Bool { currentIndex >= elementCount }

    private struct IndexKey: CodingKey {
        let intValue: Int?
        var stringValue: String { "Index \(intValue ?? 0)" }
        init(_ index: Int) { intValue = index }
        init?(stringValue: String) { nil }
        init?(intValue: Int) { self.intValue = intValue }
    }

    private func current() throws -> Int {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(JSONValue.self, .init(codingPath: codingPath, debugDescription: "the array has no more elements"))
        }
        return entry
    }

    private mutating func advance() {
        entry = Int(tape.entries[entry].next)
        currentIndex += 1
    }

    private func path() -> [any CodingKey] { codingPath + [IndexKey(currentIndex)] }

    /// The current element through `read` (given the element's path for its errors), consumed
    /// only if it reads.
    private mutating func next<T>(_ read: (JSONTape, Int, () -> [any CodingKey]) throws -> T) throws -> T {
        let position = self
        let value = try read(tape, current(), position.path)
        advance()
        return value
    }

    private mutating func nextDecoder<T>(_ read: (JSONTapeDecoder) throws -> T) throws -> T {
        let element = JSONTapeDecoder(tape: tape, index: try current(), parent: decoder, key: IndexKey(currentIndex))
        let value = try read(element)
        advance()
        return value
    }

    mutating func decodeNil() throws -> Bool {
        guard tape.entries[try current()].kind == .null else { return false }
        advance()
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next { try JSONTapeDecoder.bool($0, $1, path: $2) } }
    mutating func decode(_ type: String.Type) throws -> String { try next { try JSONTapeDecoder.string($0, $1, path: $2) } }
    mutating func decode(_ type: Double.Type) throws -> Double { try next { try JSONTapeDecoder.double($0, $1, path: $2) } }
    mutating func decode(_ type: Float.Type) throws -> Float { try next { try JSONTapeDecoder.float($0, $1, path: $2) } }
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
        try next { try JSONTapeDecoder.integer($0, $1, type, path: $2) }
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

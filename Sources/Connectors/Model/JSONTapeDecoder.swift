/// The `Decoder` behind `JSONValueDecoder`: one value of a `JSONTape`, the key it sits under and
/// the decoder it came from. Nothing is built before a reader asks: a key is matched against the
/// bytes, a string becomes a `String` only when decoded, an integer is read from its digits.
/// A class, so that handing it out as `any Decoder` or as its own single-value container copies
/// a reference instead of boxing a struct (twice, for every wire scalar that probes its type);
/// the coding path is only built, by walking up, when an error or a caller asks for it.
final class JSONTapeDecoder: Decoder, SingleValueDecodingContainer {
    let tape: JSONTape
    /// The entry of this value; -1 for a `null` that is not in the text (`superDecoder`).
    let index: Int
    private let parent: JSONTapeDecoder?
    private let key: (any CodingKey)?
    private let rootPath: [any CodingKey]
    /// For an object: the key entry after the one last found. Members are mostly read in the
    /// order they were written, so the next lookup usually matches at once.
    var hint = -1
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(tape: JSONTape, index: Int, codingPath: [any CodingKey]) {
        self.tape = tape
        self.index = index
        parent = nil
        key = nil
        rootPath = codingPath
    }

    init(tape: JSONTape, index: Int, parent: JSONTapeDecoder, key: any CodingKey) {
        self.tape = tape
        self.index = index
        self.parent = parent
        self.key = key
        rootPath = []
    }

    var codingPath: [any CodingKey] {
        var reversed: [any CodingKey] = []
        var node: JSONTapeDecoder? = self
        while let current = node {
            if let key = current.key { reversed.append(key) } else { reversed.append(contentsOf: current.rootPath.reversed()) }
            node = current.parent
        }
        return reversed.reversed()
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard Self.kind(tape, index) == .object else { throw Self.mismatch([String: JSONValue].self, tape, index, codingPath) }
        return KeyedDecodingContainer(JSONTapeKeyedContainer<Key>(decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard Self.kind(tape, index) == .array else { throw Self.mismatch([JSONValue].self, tape, index, codingPath) }
        return JSONTapeUnkeyedContainer(decoder: self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { Self.kind(tape, index) == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try Self.bool(tape, index) { codingPath } }
    func decode(_ type: String.Type) throws -> String { try Self.string(tape, index) { codingPath } }
    func decode(_ type: Double.Type) throws -> Double { try Self.double(tape, index) { codingPath } }
    func decode(_ type: Float.Type) throws -> Float { try Self.float(tape, index) { codingPath } }
    func decode(_ type: Int.Type) throws -> Int { try Self.integer(tape, index, type) { codingPath } }
    func decode(_ type: Int8.Type) throws -> Int8 { try Self.integer(tape, index, type) { codingPath } }
    func decode(_ type: Int16.Type) throws -> Int16 { try Self.integer(tape, index, type) { codingPath } }
    func decode(_ type: Int32.Type) throws -> Int32 { try Self.integer(tape, index, type) { codingPath } }
    func decode(_ type: Int64.Type) throws -> Int64 { try Self.integer(tape, index, type) { codingPath } }
    func decode(_ type: UInt.Type) throws -> UInt { try Self.integer(tape, index, type) { codingPath } }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try Self.integer(tape, index, type) { codingPath } }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try Self.integer(tape, index, type) { codingPath } }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try Self.integer(tape, index, type) { codingPath } }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try Self.integer(tape, index, type) { codingPath } }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == JSONValue.self { return (index < 0 ? JSONValue.null : tape.value(at: index)) as! T }
        return try T(from: self)
    }

    // MARK: - Scalars, read from an entry; `path` is only called to describe a failure

    static func kind(_ tape: JSONTape, _ index: Int) -> JSONTape.Kind {
        index < 0 ? .null : tape.entries[index].kind
    }

    static func bool(_ tape: JSONTape, _ index: Int, path: () -> [any CodingKey]) throws -> Bool {
        switch kind(tape, index) {
        case .true: return true
        case .false: return false
        default: throw mismatch(Bool.self, tape, index, path())
        }
    }

    static func string(_ tape: JSONTape, _ index: Int, path: () -> [any CodingKey]) throws -> String {
        guard kind(tape, index) == .string else { throw mismatch(String.self, tape, index, path()) }
        return tape.string(at: index)
    }

    static func double(_ tape: JSONTape, _ index: Int, path: () -> [any CodingKey]) throws -> Double {
        guard kind(tape, index) == .number else { throw mismatch(Double.self, tape, index, path()) }
        return tape.number(at: index).double
    }

    static func float(_ tape: JSONTape, _ index: Int, path: () -> [any CodingKey]) throws -> Float {
        guard kind(tape, index) == .number else { throw mismatch(Float.self, tape, index, path()) }
        let number = tape.number(at: index)
        let double = number.double
        guard abs(double) <= Double(Float.greatestFiniteMagnitude) else { throw notRepresentable(number, Float.self, path()) }
        return Float(double)
    }

    /// Exact integers only (see `JSONTape.integer(at:as:)`).
    static func integer<T: FixedWidthInteger>(_ tape: JSONTape, _ index: Int, _ type: T.Type, path: () -> [any CodingKey]) throws -> T {
        guard kind(tape, index) == .number else { throw mismatch(type, tape, index, path()) }
        guard let exact = tape.integer(at: index, as: type) else {
            throw notRepresentable(tape.number(at: index), type, path())
        }
        return exact
    }

    private static func notRepresentable(_ number: JSONNumber, _ type: Any.Type, _ path: [any CodingKey]) -> DecodingError {
        .dataCorrupted(.init(codingPath: path, debugDescription: "number \(number.text) does not fit \(type)"))
    }

    /// Wire types probe (`try? decode(String.self)`, then a number…), so a mismatch is common
    /// and must be cheap: a constant message, what was found being in the error's type and path.
    static func mismatch(_ type: Any.Type, _ tape: JSONTape, _ index: Int, _ path: [any CodingKey]) -> DecodingError {
        let found: String
        switch kind(tape, index) {
        case .null: return .valueNotFound(type, .init(codingPath: path, debugDescription: "found null"))
        case .false, .true: found = "found a boolean"
        case .number: found = "found a number"
        case .string: found = "found a string"
        case .array: found = "found an array"
        case .object: found = "found an object"
        }
        return .typeMismatch(type, .init(codingPath: path, debugDescription: found))
    }
}

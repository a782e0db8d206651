/// The `Decoder` behind `JSONValueDecoder`: one node of the tree, the key it sits under and the
/// decoder it came from. A class, so that handing it out as `any Decoder` or as its own
/// single-value container copies a reference instead of boxing a large struct (twice, for
/// every wire scalar that probes its type); the coding path is only built, by walking up, when
/// an error or a caller asks for it. Scalars are read by the static functions below, straight
/// from the value, with no decoder made for them at all.
final class JSONTreeDecoder: Decoder, SingleValueDecodingContainer {
    let value: JSONValue
    private let parent: JSONTreeDecoder?
    private let key: (any CodingKey)?
    /// The path above the root, as the caller gave it (usually empty).
    private let rootPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(value: JSONValue, codingPath: [any CodingKey]) {
        self.value = value
        parent = nil
        key = nil
        rootPath = codingPath
    }

    init(value: JSONValue, parent: JSONTreeDecoder, key: any CodingKey) {
        self.value = value
        self.parent = parent
        self.key = key
        rootPath = []
    }

    var codingPath: [any CodingKey] {
        var reversed: [any CodingKey] = []
        var node: JSONTreeDecoder? = self
        while let current = node {
            if let key = current.key { reversed.append(key) } else { reversed.append(contentsOf: current.rootPath.reversed()) }
            node = current.parent
        }
        return reversed.reversed()
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else {
            throw Self.mismatch([String: JSONValue].self, value, codingPath)
        }
        return KeyedDecodingContainer(JSONKeyedContainer<Key>(members: members, decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw Self.mismatch([JSONValue].self, value, codingPath) }
        return JSONUnkeyedContainer(elements: elements, decoder: self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { value.isNull }
    func decode(_ type: Bool.Type) throws -> Bool { try Self.bool(value) { codingPath } }
    func decode(_ type: String.Type) throws -> String { try Self.string(value) { codingPath } }
    func decode(_ type: Double.Type) throws -> Double { try Self.double(value) { codingPath } }
    func decode(_ type: Float.Type) throws -> Float { try Self.float(value) { codingPath } }
    func decode(_ type: Int.Type) throws -> Int { try Self.integer(value, type) { codingPath } }
    func decode(_ type: Int8.Type) throws -> Int8 { try Self.integer(value, type) { codingPath } }
    func decode(_ type: Int16.Type) throws -> Int16 { try Self.integer(value, type) { codingPath } }
    func decode(_ type: Int32.Type) throws -> Int32 { try Self.integer(value, type) { codingPath } }
    func decode(_ type: Int64.Type) throws -> Int64 { try Self.integer(value, type) { codingPath } }
    func decode(_ type: UInt.Type) throws -> UInt { try Self.integer(value, type) { codingPath } }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try Self.integer(value, type) { codingPath } }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try Self.integer(value, type) { codingPath } }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try Self.integer(value, type) { codingPath } }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try Self.integer(value, type) { codingPath } }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == JSONValue.self { return value as! T }
        return try T(from: self)
    }

    // MARK: - Scalars, read from a value; `path` is only called to describe a failure

    static func bool(_ value: JSONValue, path: () -> [any CodingKey]) throws -> Bool {
        guard case .bool(let flag) = value else { throw mismatch(Bool.self, value, path()) }
        return flag
    }

    static func string(_ value: JSONValue, path: () -> [any CodingKey]) throws -> String {
        guard case .string(let text) = value else { throw mismatch(String.self, value, path()) }
        return text
    }

    static func double(_ value: JSONValue, path: () -> [any CodingKey]) throws -> Double {
        guard case .number(let number) = value else { throw mismatch(Double.self, value, path()) }
        return number.double
    }

    static func float(_ value: JSONValue, path: () -> [any CodingKey]) throws -> Float {
        guard case .number(let number) = value else { throw mismatch(Float.self, value, path()) }
        let double = number.double
        guard abs(double) <= Double(Float.greatestFiniteMagnitude) else { throw notRepresentable(number, Float.self, path()) }
        return Float(double)
    }

    /// Exact integers only: `20`, and like `JSONDecoder` also `20.0` or `2e1`; never `20.5`.
    static func integer<T: FixedWidthInteger>(_ value: JSONValue, _ type: T.Type, path: () -> [any CodingKey]) throws -> T {
        guard case .number(let number) = value else { throw mismatch(type, value, path()) }
        if let exact = T(number.text) { return exact }
        let double = number.double
        guard double == double.rounded(), let exact = T(exactly: double) else { throw notRepresentable(number, type, path()) }
        return exact
    }

    /// Wire types probe (`try? decode(String.self)`, then a number…), so a mismatch is common
    /// and must be cheap: a constant message, what was found being in the error's type and path.
    static func mismatch(_ type: Any.Type, _ value: JSONValue, _ path: [any CodingKey]) -> DecodingError {
        if case .null = value {
            return .valueNotFound(type, .init(codingPath: path, debugDescription: "found null"))
        }
        return .typeMismatch(type, .init(codingPath: path, debugDescription: describe(value)))
    }

    private static func notRepresentable(_ number: JSONNumber, _ type: Any.Type, _ path: [any CodingKey]) -> DecodingError {
        .dataCorrupted(.init(codingPath: path, debugDescription: "number \(number.text) does not fit \(type)"))
    }

    private static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: "found null"
        case .bool: "found a boolean"
        case .number: "found a number"
        case .string: "found a string"
        case .array: "found an array"
        case .object: "found an object"
        }
    }
}

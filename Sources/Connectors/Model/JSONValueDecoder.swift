/// Decodes `Decodable` types from JSON through `JSONValue`: our parser, then a walk of the tree.
/// It replaces `JSONDecoder` on the path of every upstream answer, where Foundation's decoder
/// cost more than the gateway's own work per request (it re-hashes every object's keys into a
/// dictionary per container). Semantics follow `JSONDecoder` with default strategies: integers
/// must be exact, `null` is only `nil`, a failed element of an unkeyed container is not
/// consumed (so a lossy list can skip it with a second decode), errors are `DecodingError`.
public struct JSONValueDecoder: Sendable {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from bytes: some Collection<UInt8>) throws -> T {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: bytes)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "not JSON: \(error)", underlyingError: error))
        }
        return try decode(type, from: value)
    }

    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try T(from: JSONTreeDecoder(value: value, codingPath: []))
    }
}

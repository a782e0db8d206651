/// Decodes `Decodable` types from JSON: our parser reads the bytes into a flat `JSONTape` and
/// `JSONTapeDecoder` walks it; no tree of values is built. It replaces `JSONDecoder` on the
/// path of every upstream answer, where Foundation's decoder cost more than the gateway's own
/// work per request (it re-hashes every object's keys into a dictionary per container).
/// Semantics follow `JSONDecoder` with default strategies: integers must be exact, `null` is
/// only `nil`, a failed element of an unkeyed container is not consumed (so a lossy list can
/// skip it with a second decode), errors are `DecodingError`. One difference: a key given twice
/// means its last value, as in `JSONValue` (and JSON.parse); JSONDecoder keeps the first.
public struct JSONValueDecoder: Sendable {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from bytes: some Collection<UInt8>) throws -> T {
        if let result = try bytes.withContiguousStorageIfAvailable({ buffer in try decode(type, from: UnsafeRawBufferPointer(buffer)) }) {
            return result
        }
        return try Array(bytes).withUnsafeBytes { try decode(type, from: $0) }
    }

    /// An already parsed value, written out and read back: for tests and tools, not a hot path.
    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try decode(type, from: value.json())
    }

    private func decode<T: Decodable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer) throws -> T {
        let tape: JSONTape
        do {
            tape = try JSONTape(parsing: bytes)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "not JSON: \(error)", underlyingError: error))
        }
        return try JSONTapeDecoder(tape: tape, index: 0, codingPath: []).decode(type)
    }
}

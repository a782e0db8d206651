/// Any JSON value, for carrying an upstream's own object (`raw`) through unchanged, and for
/// reading request bodies and the configuration. Numbers keep their text (`JSONNumber`).
public enum JSONValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses `bytes` as one JSON text (RFC 8259; a UTF-8 byte order mark is skipped). A lone
    /// surrogate escape is an error unless `replacingLoneSurrogates`, which reads it as U+FFFD:
    /// a marketplace's answer is taken as its other readers take it (`JSONReadable`), while
    /// client bodies and the configuration stay strict.
    public init(parsing bytes: some Collection<UInt8>, replacingLoneSurrogates: Bool = false) throws(JSONSyntaxError) {
        let result: Result<JSONValue, JSONSyntaxError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Self.parse(UnsafeRawBufferPointer(buffer), replacingLoneSurrogates: replacingLoneSurrogates)
        }
        self = try (result ?? Array(bytes).withUnsafeBytes {
            Self.parse($0, replacingLoneSurrogates: replacingLoneSurrogates)
        }).get()
    }

    /// Parses `bytes` as `init(parsing:)` does, and names the first key that an object holds
    /// twice (its path, `tenants[0].id`; nil when none is). `init(parsing:)` keeps the last of
    /// repeated keys, as JavaScript does; request bodies and the configuration file refuse them,
    /// as the query string refuses a repeated parameter.
    public static func parseNamingRepeatedKey(_ bytes: some Collection<UInt8>) throws(JSONSyntaxError) -> (value: JSONValue, repeatedKey: String?) {
        let parsed = try parseNamingRepeatedKeys(bytes, limit: 1)
        return (parsed.value, parsed.repeatedKeys.first)
    }

    /// The same, naming every repeated key (each once, in the text's order, at most `limit`), so
    /// a client hears of all its mistakes at once. With `outermostOnly`, only the outermost
    /// object's own keys: a request body's fields, whose values are never objects, so that a key
    /// repeated inside one is not taken for a field of the same name.
    public static func parseNamingRepeatedKeys(_ bytes: some Collection<UInt8>, limit: Int, outermostOnly: Bool = false)
        throws(JSONSyntaxError) -> (value: JSONValue, repeatedKeys: [String]) {
        let parse = { (buffer: UnsafeRawBufferPointer) -> Result<(value: JSONValue, repeatedKeys: [String]), JSONSyntaxError> in
            do throws(JSONSyntaxError) {
                let tape = try JSONTape(parsing: buffer)
                return .success((tape.value(at: 0), tape.repeatedKeys(limit: limit, outermostOnly: outermostOnly)))
            } catch {
                return .failure(error)
            }
        }
        let result = bytes.withContiguousStorageIfAvailable { parse(UnsafeRawBufferPointer($0)) }
        return try (result ?? Array(bytes).withUnsafeBytes(parse)).get()
    }

    /// Read into a tape, then built from it: the one grammar the decoder reads as well.
    private static func parse(_ buffer: UnsafeRawBufferPointer, replacingLoneSurrogates: Bool) -> Result<JSONValue, JSONSyntaxError> {
        do throws(JSONSyntaxError) {
            return .success(try JSONTape(parsing: buffer, replacesLoneSurrogates: replacingLoneSurrogates).value(at: 0))
        } catch {
            return .failure(error)
        }
    }

    /// Through a `Decoder` the number's text is not available: integers are kept exactly when
    /// they fit 64 bits, other numbers go through `Double`. Prefer `init(parsing:)`.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .number(JSONNumber(value))
        } else if let value = try? container.decode(UInt64.self) {
            self = .number(JSONNumber(value))
        } else if let value = try? container.decode(Double.self) {
            self = .number(JSONNumber(value))
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if let integer = Int64(value.text) {
                try container.encode(integer)
            } else if let integer = UInt64(value.text) {
                try container.encode(integer)
            } else {
                try container.encode(value.double)
            }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The member `key` of an object; nil when it is absent or this value is not an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }
}

/// Why a `JSONReadable` type could not be read from a text: the text is not JSON, or a value is
/// not what the type needs (a number where a string must be, a required member missing). The
/// reason names the member or the kinds involved, never the values, which may be personal data.
public struct JSONReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, e.g. `expected a string, found a number` or `missing member "id"`.
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }

    /// A value of the wrong kind: `expected` is "a string", "an integer"…
    static func mismatch(expected: StaticString, found kind: JSONTape.Kind) -> JSONReadError {
        JSONReadError(reason: "expected \(expected), found \(kind.noun)")
    }

    /// A required member is absent or null.
    public static func missing(_ key: StaticString) -> JSONReadError {
        JSONReadError(reason: "missing member \"\(key)\"")
    }

    public var description: String { reason }
}

extension JSONTape.Kind {
    /// The kind as a phrase for an error message.
    var noun: String {
        switch self {
        case .null: "null"
        case .false, .true: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// Why a `JSONReadable` type could not be read from a text: the text is not JSON, or a value is
/// not what the type needs (a number where a string must be, a required member missing). Each
/// case names the member or the kinds involved, never the values, which may be personal data.
public enum JSONReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text is not JSON at all; the syntax error says where (nil: no text to read).
    case notJSON(JSONSyntaxError?)
    /// A value of the wrong kind: `expected` and `found` are "a string", "an integer", "null"…
    case mismatch(expected: String, found: String)
    /// A number, or a string that must hold one, that is not the integer expected or does not
    /// fit it: `expected` says what was wanted and, where it helps, what came instead, e.g. "an
    /// integer that fits Int64, found another number".
    case notAnInteger(expected: String)
    /// A required member is absent or null.
    case missing(member: String)
    /// A record without the members that identify it: `record` is e.g. "a feedback", `members`
    /// "id" or "chatID or eventID".
    case unidentified(record: String, members: String)

    /// A value of the wrong kind.
    static func mismatch(expected: StaticString, found kind: JSONTape.Kind) -> JSONReadError {
        .mismatch(expected: "\(expected)", found: kind.noun)
    }

    /// A required member is absent or null.
    public static func missing(_ key: StaticString) -> JSONReadError {
        .missing(member: "\(key)")
    }

    /// The reason as a phrase, e.g. `expected a string, found a number` or `missing member "id"`.
    public var reason: String {
        switch self {
        case .notJSON(let syntax?): "not JSON: \(syntax)"
        case .notJSON(nil): "not JSON"
        case .mismatch(let expected, let found): "expected \(expected), found \(found)"
        case .notAnInteger(let expected): "expected \(expected)"
        case .missing(let member): "missing member \"\(member)\""
        case .unidentified(let record, let members): "\(record) without \(members)"
        }
    }

    public var description: String { reason }
}

import Connectors

/// Any JSON value where Wildberries promises a scalar, read without failing: ids and counters
/// come as numbers or strings, flags as booleans or `0`/`1`, dates in any form of reference
/// §5.3 or as `""`. An object or array where a scalar belongs is `.other`, not an error.
/// An integer beyond 64 bits keeps its digits (`.largeInteger`): as an id it stays the article it
/// names, not a float.
enum WildberriesScalar: JSONReadable, Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    /// Plain digits (and a minus) that do not fit `Int64`, as written.
    case largeInteger(String)
    case string(String)
    case other

    /// Never fails: whatever `json` is, it is one of the cases.
    init(_ json: JSONElement) {
        if json.isNull {
            self = .null
        } else if let value = try? json.bool() {
            self = .bool(value)
        } else if let value = try? json.int64() {
            self = .integer(value)
        } else if let number = try? json.number() {
            let digits = number.text.utf8.dropFirst(number.text.hasPrefix("-") ? 1 : 0)
            self = digits.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
                ? .largeInteger(number.text) : .number(number.double)
        } else if let value = try? json.string() {
            self = .string(value)
        } else {
            self = .other
        }
    }

    init(json: JSONElement) throws(JSONReadError) {
        self.init(json)
    }

    /// Text of a string or a number (integral numbers without a fraction); nil for anything else.
    var string: String? {
        switch self {
        case .string(let value): value
        case .integer(let value): String(value)
        case .largeInteger(let digits): digits
        case .number(let value): value.rounded() == value && abs(value) < 1e18 ? String(Int64(value)) : String(value)
        default: nil
        }
    }

    /// A non-empty `string`.
    var text: String? {
        string.flatMap { $0.isEmpty ? nil : $0 }
    }

    var int64: Int64? {
        switch self {
        case .integer(let value): value
        case .number(let value): value.rounded() == value && abs(value) < 9e18 ? Int64(value) : nil
        case .string(let value): Int64(value.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }

    var int: Int? { int64.map { Int(truncatingIfNeeded: $0) } }

    var bool: Bool? {
        switch self {
        case .bool(let value): value
        case .integer(let value): value != 0
        case .string(let value):
            switch value.lowercased() {
            case "true", "1": true
            case "false", "0": false
            default: nil
            }
        default: nil
        }
    }

    /// An instant from RFC 3339 text of any precision and offset, or from unix seconds or
    /// milliseconds; nil for `""` and for what is not a date.
    var timestamp: Timestamp? {
        switch self {
        case .string(let value): FlexibleDate.parse(value.trimmingCharacters(in: .whitespaces))
        case .integer(let value): value == 0 ? nil : FlexibleDate.unix(value)
        case .number(let value): value == 0 ? nil : FlexibleDate.unix(value)
        default: nil
        }
    }
}

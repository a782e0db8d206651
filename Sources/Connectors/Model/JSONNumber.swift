/// A JSON number kept as the text it was written in, so that a 64-bit id or a long decimal in an
/// upstream's answer leaves the gateway exactly as it came (a `Double` keeps 53 bits).
/// Equality is textual: `1` and `1.0` are different numbers here, as they are on the wire.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
    /// An RFC 8259 number literal (`-12`, `0.5`, `1e-7`).
    public let text: String

    /// `text` must be a valid literal; the parser and the initialisers below guarantee it.
    init(uncheckedText text: String) {
        self.text = text
    }

    /// nil unless `text` is exactly one JSON number literal.
    public init?(text: String) {
        guard case .number(let number)? = try? JSONValue(parsing: Array(text.utf8)), number.text == text else { return nil }
        self = number
    }

    public init(_ value: Int64) {
        text = String(value)
    }

    public init(_ value: UInt64) {
        text = String(value)
    }

    /// Integral values within ±2^53 are written without a fraction; non-finite values, which JSON
    /// cannot carry, become 0.
    public init(_ value: Double) {
        if !value.isFinite {
            text = "0"
        } else if value == value.rounded(), abs(value) < 9_007_199_254_740_992 {
            text = String(Int64(value))
        } else {
            text = String(value)
        }
    }

    public init(integerLiteral value: Int64) {
        self.init(value)
    }

    public init(floatLiteral value: Double) {
        self.init(value)
    }

    /// The nearest `Double` (exact for integers up to 2^53).
    public var double: Double { Double(text) ?? 0 }

    /// The value when it is an integer that fits `Int64`, written with or without a zero
    /// fraction or exponent (`20`, `20.0`, `2e1`); nil otherwise.
    public var int64: Int64? {
        if let value = Int64(text) { return value }
        let value = double
        guard value == value.rounded(), abs(value) < 9_007_199_254_740_992 else { return nil }
        return Int64(value)
    }

    public var description: String { text }
}

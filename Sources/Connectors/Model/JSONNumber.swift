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

    /// The integer's decimal text.
    public init(_ value: Int64) {
        text = String(value)
    }

    /// The integer's decimal text, for ids beyond `Int64.max`.
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

    /// The value when it is exactly an integer that fits `Int64`, written with or without a zero
    /// fraction or exponent (`20`, `20.0`, `2e1`, `2000e-2`); nil otherwise. Read from the
    /// digits, not through `Double`: `4.9999999999999999999` and `100.00000000000000001` are not
    /// integers, though both round to one.
    public var int64: Int64? {
        if let value = Int64(text) { return value }
        guard let (negative, magnitude) = integerParts else { return nil }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude)
        }
        return Int64(exactly: magnitude)
    }

    /// The value as a sign and a magnitude when it is exactly an integer whose magnitude fits
    /// `UInt64` (in any of `int64`'s forms), read from the digits; nil otherwise.
    var integerParts: (negative: Bool, magnitude: UInt64)? {
        var bytes = Array(text.utf8)[...]
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { bytes = bytes.dropFirst() }
        var digits: [UInt8] = []
        var pointAt: Int?
        while let byte = bytes.first, byte != UInt8(ascii: "e"), byte != UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if byte == UInt8(ascii: ".") {
                guard pointAt == nil else { return nil }
                pointAt = digits.count
            } else {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                digits.append(byte - UInt8(ascii: "0"))
            }
        }
        var exponent = 0
        if !bytes.isEmpty {
            bytes = bytes.dropFirst()
            let exponentText = String(decoding: bytes.first == UInt8(ascii: "+") ? bytes.dropFirst() : bytes, as: UTF8.self)
            // Moved further than the digits are long and 20 places beyond, the point leaves every
            // digit in the fraction or puts 20 zeros after them: clamped there, the answer is the same.
            let bound = digits.count + 20
            let value = Int(exponentText) ?? (exponentText.hasPrefix("-") ? -bound : bound)
            exponent = max(-bound, min(bound, value))
        }
        guard !digits.isEmpty else { return nil }
        // The decimal point's place among the digits once the exponent has moved it.
        let point = (pointAt ?? digits.count) + exponent
        if point < digits.count, digits[max(0, point)...].contains(where: { $0 != 0 }) { return nil }
        var magnitude: UInt64 = 0
        for place in 0..<max(0, point) {
            let digit = place < digits.count ? UInt64(digits[place]) : 0
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(digit)
            guard !o1, !o2 else { return nil }
            magnitude = sum
        }
        return (negative, magnitude)
    }

    public var description: String { text }
}

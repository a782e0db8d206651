extension JSONValue {
    /// The value as JSON text: numbers as their text, object members sorted (by Unicode scalar,
    /// which for ASCII keys is byte order), so equal values are equal bytes.
    public func json() -> [UInt8] {
        var bytes: [UInt8] = []
        appendJSON(to: &bytes)
        return bytes
    }

    /// `json()` appended to `bytes`, so a value nested in a larger document is not copied.
    public func appendJSON(to bytes: inout [UInt8]) {
        switch self {
        case .null:
            bytes.append(contentsOf: "null".utf8)
        case .bool(let value):
            bytes.append(contentsOf: value ? "true".utf8 : "false".utf8)
        case .number(let value):
            bytes.append(contentsOf: value.text.utf8)
        case .string(let value):
            JSONBytes.appendString(value, to: &bytes)
        case .array(let values):
            bytes.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                value.appendJSON(to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                JSONBytes.appendString(key, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                members[key]!.appendJSON(to: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }
}

extension JSONValue {
    /// The value as JSON text: numbers as their text, object members sorted (by Unicode scalar,
    /// which for ASCII keys is byte order), so equal values are equal bytes.
    public func json() -> [UInt8] {
        var writer = ByteWriter()
        appendJSON(to: &writer)
        return writer.bytes
    }

    /// `json()` appended to `bytes`, so a value nested in a larger document is not copied.
    public func appendJSON(to bytes: inout ByteWriter) {
        switch self {
        case .null:
            bytes.append("null")
        case .bool(let value):
            bytes.append(value ? "true" : "false")
        case .number(let value):
            bytes.append(utf8Of: value.text)
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

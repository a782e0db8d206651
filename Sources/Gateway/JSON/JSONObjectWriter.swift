import Connectors

/// Writes one JSON object member by member, in the order given, straight into bytes: for the
/// documents and lines written on every request (items, lists, access log, problems), where
/// Foundation's `JSONSerialization` would cost more than the rest of the request. Nested objects
/// and whole lists go into the same buffer, so a page of items is one growing array.
struct JSONObjectWriter {
    private(set) var bytes: [UInt8] = []
    private var empty = true

    init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
        bytes.append(UInt8(ascii: "{"))
    }

    /// Continues `buffer`: the object is appended to what it holds, and `finish(into:)` gives
    /// the buffer back, so writing an element of a list copies nothing.
    init(appendingTo buffer: inout [UInt8]) {
        swap(&bytes, &buffer)
        bytes.append(UInt8(ascii: "{"))
    }

    mutating func string(_ name: StaticString, _ value: String?) {
        key(name)
        if let value { JSONBytes.appendString(value, to: &bytes) } else { bytes.append(contentsOf: "null".utf8) }
    }

    mutating func int(_ name: StaticString, _ value: Int?) {
        key(name)
        if let value { JSONBytes.appendInteger(value, to: &bytes) } else { bytes.append(contentsOf: "null".utf8) }
    }

    mutating func bool(_ name: StaticString, _ value: Bool) {
        key(name)
        bytes.append(contentsOf: value ? "true".utf8 : "false".utf8)
    }

    /// An instant as an RFC 3339 string (`Timestamp.rfc3339`).
    mutating func timestamp(_ name: StaticString, _ value: Timestamp) {
        key(name)
        bytes.append(UInt8(ascii: "\""))
        value.appendRFC3339(to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// A member whose value is already JSON.
    mutating func raw(_ name: StaticString, _ json: [UInt8]) {
        key(name)
        bytes.append(contentsOf: json)
    }

    /// A member whose value is written by `body` straight after the name: a list, a `JSONValue`.
    mutating func value(_ name: StaticString, _ body: (inout [UInt8]) -> Void) {
        key(name)
        body(&bytes)
    }

    /// A nested object whose members `body` writes.
    mutating func object(_ name: StaticString, _ body: (inout JSONObjectWriter) -> Void) {
        key(name)
        bytes.append(UInt8(ascii: "{"))
        empty = true
        body(&self)
        bytes.append(UInt8(ascii: "}"))
        empty = false
    }

    /// The finished object.
    mutating func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    /// Closes the object and hands the buffer back to where `init(appendingTo:)` took it from.
    mutating func finish(into buffer: inout [UInt8]) {
        bytes.append(UInt8(ascii: "}"))
        swap(&bytes, &buffer)
    }

    private mutating func key(_ name: StaticString) {
        if !empty { bytes.append(UInt8(ascii: ",")) }
        empty = false
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }
}

import Connectors

/// Writes one JSON object member by member, in the order given, straight into bytes: for the
/// documents and lines written on every request (items, lists, access log, problems), where
/// Foundation's `JSONSerialization` would cost more than the rest of the request. Nested objects
/// and whole lists go into the same `ByteWriter`, so a page of items is one growing buffer.
struct JSONObjectWriter: ~Copyable {
    private var writer: ByteWriter
    private var empty = true

    init(capacity: Int = 256) {
        writer = ByteWriter(capacity: capacity)
        writer.append(UInt8(ascii: "{"))
    }

    /// Continues `buffer`: the object is appended to what it holds, and `finish(into:)` gives
    /// the buffer back, so writing an element of a list copies nothing.
    init(appendingTo buffer: inout ByteWriter) {
        writer = ByteWriter(capacity: 0)
        swap(&writer, &buffer)
        writer.append(UInt8(ascii: "{"))
    }

    mutating func string(_ name: StaticString, _ value: String?) {
        key(name)
        if let value { JSONBytes.appendString(value, to: &writer) } else { writer.append("null") }
    }

    /// A string that needs no escape, such as an enum's raw value (an identifier): written as it
    /// is, without the scan and the worst-case room `string` takes for each value.
    mutating func identifier(_ name: StaticString, _ value: String) {
        assert(value.utf8.allSatisfy { $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") && $0 < 0x7F })
        key(name)
        writer.append(UInt8(ascii: "\""))
        writer.append(utf8Of: value)
        writer.append(UInt8(ascii: "\""))
    }

    mutating func int(_ name: StaticString, _ value: Int?) {
        key(name)
        if let value { JSONBytes.appendInteger(value, to: &writer) } else { writer.append("null") }
    }

    mutating func bool(_ name: StaticString, _ value: Bool) {
        key(name)
        writer.append(value ? "true" : "false")
    }

    /// An instant as an RFC 3339 string (`Timestamp.rfc3339`).
    mutating func timestamp(_ name: StaticString, _ value: Timestamp) {
        key(name)
        writer.append(UInt8(ascii: "\""))
        value.appendRFC3339(to: &writer)
        writer.append(UInt8(ascii: "\""))
    }

    /// A member whose value is already JSON.
    mutating func raw(_ name: StaticString, _ json: [UInt8]) {
        key(name)
        writer.append(json)
    }

    /// A list of items, which it takes: each is moved out as it is written, not copied.
    mutating func items(_ name: StaticString, _ items: consuming [Item]) {
        key(name)
        items.appendJSON(to: &writer)
    }

    /// A member whose value is written by `body` straight after the name: a list, a `JSONValue`.
    mutating func value(_ name: StaticString, _ body: (inout ByteWriter) -> Void) {
        key(name)
        body(&writer)
    }

    /// A nested object whose members `body` writes.
    mutating func object(_ name: StaticString, _ body: (inout JSONObjectWriter) -> Void) {
        key(name)
        writer.append(UInt8(ascii: "{"))
        empty = true
        body(&self)
        writer.append(UInt8(ascii: "}"))
        empty = false
    }

    /// The finished object.
    consuming func finish() -> [UInt8] {
        writer.append(UInt8(ascii: "}"))
        return writer.bytes
    }

    /// Closes the object and hands the buffer back to where `init(appendingTo:)` took it from.
    consuming func finish(into buffer: inout ByteWriter) {
        writer.append(UInt8(ascii: "}"))
        swap(&writer, &buffer)
    }

    /// `,"name":` (no comma first).
    private mutating func key(_ name: StaticString) {
        let count = name.utf8CodeUnitCount
        let comma = empty ? 0 : 1
        empty = false
        writer.write(upTo: count + 4) { out in
            out[0] = UInt8(ascii: ",")
            out[comma] = UInt8(ascii: "\"")
            (out.baseAddress! + comma + 1).copyMemory(from: name.utf8Start, byteCount: count)
            out[comma + count + 1] = UInt8(ascii: "\"")
            out[comma + count + 2] = UInt8(ascii: ":")
            return comma + count + 3
        }
    }
}

/// The header fields of a request, read in place. Names compare case-insensitively (RFC 9110 §5.1).
public struct HTTPRequestHeaders: Sendable, Sequence {
    let storage: [UInt8]
    let spans: [FieldSpan]

    public var count: Int { spans.count }

    /// The first value of the field `name`, as bytes, without copying.
    public func firstValueBytes(_ name: String) -> ArraySlice<UInt8>? {
        for span in spans where nameMatches(span, name) {
            return storage[Int(span.valueStart)..<Int(span.valueEnd)]
        }
        return nil
    }

    /// The first value of the field `name`.
    public subscript(_ name: String) -> String? {
        firstValueBytes(name).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Every value of the field `name`, one per field line, in order.
    public func values(_ name: String) -> [String] {
        spans.filter { nameMatches($0, name) }.map { value(of: $0) }
    }

    public func contains(_ name: String) -> Bool { spans.contains { nameMatches($0, name) } }

    /// True when the first `name` field's value equals `expected` byte for byte.
    public func firstValue(_ name: String, equals expected: StaticString) -> Bool {
        guard let value = firstValueBytes(name), value.count == expected.utf8CodeUnitCount else { return false }
        let literal = UnsafeBufferPointer(start: expected.utf8Start, count: expected.utf8CodeUnitCount)
        return value.elementsEqual(literal)
    }

    public func makeIterator() -> AnyIterator<(name: String, value: String)> {
        var index = 0
        return AnyIterator {
            guard index < spans.count else { return nil }
            defer { index += 1 }
            let span = spans[index]
            return (String(decoding: storage[Int(span.nameStart)..<Int(span.nameEnd)], as: UTF8.self), value(of: span))
        }
    }

    private func value(of span: FieldSpan) -> String {
        String(decoding: storage[Int(span.valueStart)..<Int(span.valueEnd)], as: UTF8.self)
    }

    private func nameMatches(_ span: FieldSpan, _ name: String) -> Bool {
        let start = Int(span.nameStart)
        guard Int(span.nameEnd) - start == name.utf8.count else { return false }
        var i = start
        for c in name.utf8 {
            if ASCII.lowercased(storage[i]) != ASCII.lowercased(c) { return false }
            i += 1
        }
        return true
    }
}

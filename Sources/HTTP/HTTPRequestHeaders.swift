/// The header fields of a request, read in place. Names compare case-insensitively (RFC 9110 §5.1).
public struct HTTPRequestHeaders: Sendable, Sequence {
    let storage: [UInt8]
    let spans: [FieldSpan]

    /// The number of field lines, repeats counted.
    public var count: Int { spans.count }

    /// The first value of the field `name`, as bytes, without copying.
    public func firstValueBytes(_ name: String) -> ArraySlice<UInt8>? {
        guard let index = firstIndex(of: name) else { return nil }
        let span = spans[index]
        return storage[Int(span.valueStart)..<Int(span.valueEnd)]
    }

    /// The position of the first field called `name`: one pass, the name's bytes fetched once.
    private func firstIndex(of name: String) -> Int? {
        var name = name
        return name.withUTF8 { wanted in
            storage.withUnsafeBufferPointer { bytes in
                for (index, span) in spans.enumerated() where Int(span.nameEnd - span.nameStart) == wanted.count {
                    let start = Int(span.nameStart)
                    var k = 0
                    while k < wanted.count, ASCII.lowercased(bytes[start + k]) == ASCII.lowercased(wanted[k]) { k += 1 }
                    if k == wanted.count { return index }
                }
                return nil
            }
        }
    }

    /// The first value of the field `name`.
    public subscript(_ name: String) -> String? {
        firstValueBytes(name).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Every value of the field `name`, one per field line, in order.
    public func values(_ name: String) -> [String] {
        spans.filter { nameMatches($0, name) }.map { value(of: $0) }
    }

    /// Whether any field line is called `name` (in any case).
    public func contains(_ name: String) -> Bool { spans.contains { nameMatches($0, name) } }

    /// How many field lines are called `name`.
    public func lineCount(_ name: String) -> Int { spans.reduce(0) { $0 + (nameMatches($1, name) ? 1 : 0) } }

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
        let length = Int(span.nameEnd) - start
        var name = name
        return name.withUTF8 { wanted in
            guard wanted.count == length else { return false }
            return storage.withUnsafeBufferPointer { bytes in
                for k in 0..<length where ASCII.lowercased(bytes[start + k]) != ASCII.lowercased(wanted[k]) {
                    return false
                }
                return true
            }
        }
    }
}

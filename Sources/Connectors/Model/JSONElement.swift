/// One value of a parsed JSON text, as a `JSONReadable` type sees it: ask for the kind you need
/// (`string()`, `int()`…, which fail with a `JSONReadError` on another kind), walk an
/// object's `members` or an array's `elements`. Nothing is copied out of the text until asked
/// for: a key is compared as bytes, an integer read from its digits.
///
/// It points into the bytes being read and is valid only during the `init(json:)` it was given
/// to; store what it reads, never the element.
public struct JSONElement {
    let tape: JSONTape
    let index: Int

    init(tape: JSONTape, index: Int) {
        self.tape = tape
        self.index = index
    }

    var kind: JSONTape.Kind { tape.entries[index].kind }

    /// Whether the value is `null`; readers treat a null member as an absent one.
    public var isNull: Bool { kind == .null }
    /// Whether the value is a string: for members a marketplace sends as a string or a number.
    public var isString: Bool { kind == .string }
    /// Whether the value is `true` or `false`.
    public var isBool: Bool { kind == .true || kind == .false }

    /// The element, or nil when it is `null`: `try value.nonNull?.string()` reads an optional member.
    /// Inlinable, so that the copy it returns is no retain of the tape in the reader's module.
    @inlinable public var nonNull: JSONElement? { isNull ? nil : self }

    /// The text of a string, its escapes decoded; a value of another kind is a `mismatch`.
    public func string() throws(JSONReadError) -> String {
        guard kind == .string else { throw .mismatch(expected: "a string", found: kind) }
        return tape.string(at: index)
    }

    /// Calls `body` with the UTF-8 of a string without making a `String` of it first.
    public func withStringUTF8<R>(_ body: (UnsafeRawBufferPointer) throws(JSONReadError) -> R) throws(JSONReadError) -> R {
        guard kind == .string else { throw .mismatch(expected: "a string", found: kind) }
        let entry = tape.entries[index]
        if entry.flags & JSONTape.decoded == 0 { return try body(JSONTape.raw(entry, in: tape.bytes)) }
        return try Self.withUTF8(of: tape.strings[Int(entry.start)], body)
    }

    /// Apart from the above: its `Result` over `R` is generic metadata that an unspecialised
    /// caller in another module would otherwise look up on every call, strings with escapes or
    /// not.
    private static func withUTF8<R>(of string: String, _ body: (UnsafeRawBufferPointer) throws(JSONReadError) -> R) throws(JSONReadError) -> R {
        var text = string
        return try text.withUTF8 { utf8 in Result { () throws(JSONReadError) in try body(UnsafeRawBufferPointer(utf8)) } }.get()
    }

    /// A boolean's value; a value of another kind is a `mismatch`.
    public func bool() throws(JSONReadError) -> Bool {
        switch kind {
        case .true: return true
        case .false: return false
        default: throw .mismatch(expected: "a boolean", found: kind)
        }
    }

    /// An integer that fits `Int` exactly: `20`, also `20.0` or `2e1` (as `JSONDecoder` takes
    /// them), never `20.5` or a number beyond the type's range; the same for the others below.
    /// Concrete types rather than one generic method, so that a reader in another module does
    /// not look up generic metadata for every number it reads.
    public func int() throws(JSONReadError) -> Int { try integer(Int.self) }
    /// An integer that fits `Int64` exactly (as `int()`).
    public func int64() throws(JSONReadError) -> Int64 { try integer(Int64.self) }
    /// An integer that fits `UInt64` exactly (as `int()`).
    public func uint64() throws(JSONReadError) -> UInt64 { try integer(UInt64.self) }

    private func integer<T: FixedWidthInteger>(_ type: T.Type) throws(JSONReadError) -> T {
        guard kind == .number else { throw .mismatch(expected: "an integer", found: kind) }
        guard let value = tape.integer(at: index, as: type) else {
            throw .notAnInteger(expected: "an integer that fits \(T.self), found another number")
        }
        return value
    }

    /// A number as the text it was written in: an id beyond 64 bits keeps its digits.
    public func number() throws(JSONReadError) -> JSONNumber {
        guard kind == .number else { throw .mismatch(expected: "a number", found: kind) }
        return tape.number(at: index)
    }

    /// The nearest `Double` to a number.
    public func double() throws(JSONReadError) -> Double {
        guard kind == .number else { throw .mismatch(expected: "a number", found: kind) }
        return tape.number(at: index).double
    }

    /// Calls `body` with each member of an object, in the order written. A key given twice is
    /// seen once, with its last value (as `JSONValue` and `JSON.parse` keep it).
    public func members(_ body: (JSONKey, JSONElement) throws(JSONReadError) -> Void) throws(JSONReadError) {
        guard kind == .object else { throw .mismatch(expected: "an object", found: kind) }
        let entries = tape.entries
        var key = index + 1
        for _ in 0..<entries[index].length {
            let value = key + 1
            if entries[key].flags & JSONTape.shadowed == 0 {
                try body(JSONKey(tape: tape, index: key), JSONElement(tape: tape, index: value))
            }
            key = Int(entries[value].next)
        }
    }

    /// The number of an array's elements or an object's members; 0 for any other value.
    public var count: Int {
        switch kind {
        case .array, .object: Int(tape.entries[index].length)
        default: 0
        }
    }

    /// Calls `body` with each element of an array, in order.
    public func elements(_ body: (JSONElement) throws(JSONReadError) -> Void) throws(JSONReadError) {
        guard kind == .array else { throw .mismatch(expected: "an array", found: kind) }
        let entries = tape.entries
        var element = index + 1
        for _ in 0..<entries[index].length {
            try body(JSONElement(tape: tape, index: element))
            element = Int(entries[element].next)
        }
    }

    /// An array whose every element is a `T`; one that is not fails the read. Inlinable, so the
    /// array is built specialised for `T` in the reader's module.
    @inlinable
    public func array<T: JSONReadable>(of type: T.Type) throws(JSONReadError) -> [T] {
        var result: [T] = []
        result.reserveCapacity(count)
        try elements { element throws(JSONReadError) in result.append(try T(json: element)) }
        return result
    }
}

/// Response header fields in order. Names compare case-insensitively; values are sent as given.
///
/// Framing fields (`Content-Length`, `Transfer-Encoding`, `Connection`, `Date`) belong to the
/// server, which writes them itself and ignores any set here; a field whose name is not a token
/// or whose value holds CR, LF or NUL is kept but never written, so a handler cannot split a
/// response. Each field is checked once, when it is added, not on every response.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral {
    struct Field: Sendable {
        var name: String
        var value: String
        /// Valid and not a framing field: the writer copies it without looking again.
        var isWritable: Bool

        init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
            self.isWritable = HTTPHeaders.isWritable(name, value)
        }
    }

    private(set) var storage: [Field]

    /// No fields.
    public init() { storage = [] }

    /// `fields` in the order given, repeats kept.
    public init(_ fields: [(String, String)]) {
        storage = fields.map { Field($0.0, $0.1) }
    }

    /// The fields of a literal, in the order written.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// The number of fields, repeats and unwritable ones counted.
    public var count: Int { storage.count }
    /// Whether no field has been set.
    public var isEmpty: Bool { storage.isEmpty }

    /// The fields in order, as set.
    public var fields: [(name: String, value: String)] { storage.map { (name: $0.name, value: $0.value) } }

    /// Appends a field, keeping any others of the same name (for list fields and Set-Cookie).
    public mutating func add(_ name: String, _ value: String) {
        storage.append(Field(name, value))
    }

    /// The first value of `name`; setting replaces every field of that name (nil removes them).
    public subscript(_ name: String) -> String? {
        get { storage.first { Self.sameName($0.name, name) }?.value }
        set {
            storage.removeAll { Self.sameName($0.name, name) }
            if let newValue { storage.append(Field(name, newValue)) }
        }
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        fields.makeIterator()
    }

    /// Whether two field names (or other tokens, such as an auth scheme) are equal in any ASCII
    /// case, compared byte by byte without lower-cased copies (RFC 9110 §5.1).
    public static func sameName(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        // Over the strings' own bytes: zipping the two UTF-8 views stepped two generic iterators
        // per byte, and names are compared on every upstream call.
        let compared = a.utf8.withContiguousStorageIfAvailable { a in
            b.utf8.withContiguousStorageIfAvailable { b in
                for index in 0..<a.count where ASCII.lowercased(a[index]) != ASCII.lowercased(b[index]) { return false }
                return true
            }
        }
        if let compared = compared ?? nil { return compared }
        return zip(a.utf8, b.utf8).allSatisfy { ASCII.lowercased($0) == ASCII.lowercased($1) }
    }

    /// Whether `text` is a token (RFC 9110 §5.6.2), as a method or a field name must be: not
    /// empty, letters, digits and ``!#$%&'*+-.^_`|~`` only.
    public static func isToken(_ text: String) -> Bool {
        !text.isEmpty && allBytes(of: text, have: ASCII.token)
    }

    /// Whether `value` can be written as a field value (RFC 9110 §5.5): no control character but
    /// HTAB, and no DEL, so no line break that would start a field of the sender's choosing.
    public static func isFieldValue(_ value: String) -> Bool {
        allBytes(of: value, have: ASCII.fieldValue)
    }

    /// Whether every byte of `text` is in the byte class `bit`: a loop over the string's own
    /// buffer when it lends one, as a native string does; `allSatisfy` over the UTF-8 view cost
    /// ~10 instructions a byte, and every response writes several fields.
    private static func allBytes(of text: String, have bit: UInt8) -> Bool {
        let classes = ASCII.classes
        let lent = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            for byte in bytes where classes[Int(byte)] & bit == 0 { return false }
            return true
        }
        return lent ?? text.utf8.allSatisfy { classes[Int($0)] & bit != 0 }
    }

    static func isWritable(_ name: String, _ value: String) -> Bool {
        guard isToken(name), isFieldValue(value) else { return false }
        switch name.utf8.count {
        case 4: return !sameName(name, "date")
        case 10: return !sameName(name, "connection")
        case 14: return !sameName(name, "content-length")
        case 17: return !sameName(name, "transfer-encoding")
        default: return true
        }
    }
}

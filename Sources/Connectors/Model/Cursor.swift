/// A position in an upstream's pagination, opaque to clients. The state is whatever the
/// upstream paginates with (skip/take, `next`, `last_id`, `cursor`, a watermark and the ids seen
/// at its edge); `CursorCodec` seals it with an HMAC so a client can neither read it as API nor
/// forge it.
///
/// The fields are kept as a short array sorted by key, not a dictionary: a cursor has a handful
/// of fields, is made once for every page listed and sealed in key order, and a dictionary cost
/// its hashing, its generic metadata and a sort on every page (~5,000 instructions a list).
public struct Cursor: Sendable, Hashable {
    /// One state field: a short key and its value.
    public struct Field: Sendable, Hashable {
        /// The field's name, unique within a cursor.
        public let key: String
        /// The field's value.
        public var value: String
    }

    /// The fields, sorted by key, each key once: the order `CursorCodec` seals them in.
    public private(set) var fields: [Field]

    /// A cursor holding `state`; keep it short, as the sealed form may be at most `CursorCodec.maxLength`.
    public init(_ state: [String: String]) {
        fields = state.map { Field(key: $0.key, value: $0.value) }.sorted { $0.key < $1.key }
    }

    /// An empty cursor with room for `capacity` fields, to be set by key.
    public init(capacity: Int = 0) {
        fields = []
        fields.reserveCapacity(capacity)
    }

    /// Field → value, each a short string; the connector that made the cursor knows the meaning.
    public var state: [String: String] {
        get { Dictionary(uniqueKeysWithValues: fields.map { ($0.key, $0.value) }) }
        set { self = Cursor(newValue) }
    }

    /// The value of one state field; setting nil removes it.
    public subscript(key: String) -> String? {
        get {
            let (index, found) = position(of: key)
            return found ? fields[index].value : nil
        }
        set {
            let (index, found) = position(of: key)
            switch (found, newValue) {
            case (true, let value?): fields[index].value = value
            case (true, nil): fields.remove(at: index)
            case (false, let value?): fields.insert(Field(key: key, value: value), at: index)
            case (false, nil): break
            }
        }
    }

    /// Removes the field `key` and returns its value, if it was there.
    public mutating func removeValue(forKey key: String) -> String? {
        let (index, found) = position(of: key)
        return found ? fields.remove(at: index).value : nil
    }

    /// Where `key` is, or where it would go to keep the fields sorted.
    private func position(of key: String) -> (index: Int, found: Bool) {
        for (index, field) in fields.enumerated() {
            if field.key == key { return (index, true) }
            if key < field.key { return (index, false) }
        }
        return (fields.count, false)
    }
}

/// A position in an upstream's pagination, opaque to clients. The state is whatever the
/// upstream paginates with (skip/take, `next`, `last_id`, `cursor`, a watermark and the ids seen
/// at its edge); `CursorCodec` seals it with an HMAC so a client can neither read it as API nor
/// forge it.
public struct Cursor: Sendable, Hashable {
    /// Field → value, each a short string; the connector that made the cursor knows the meaning.
    public var state: [String: String]

    /// A cursor holding `state`; keep it short, as the sealed form may be at most `CursorCodec.maxLength`.
    public init(_ state: [String: String]) {
        self.state = state
    }

    /// The value of one state field; setting nil removes it.
    public subscript(key: String) -> String? {
        get { state[key] }
        set { state[key] = newValue }
    }
}

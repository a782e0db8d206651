/// What `listItems` is asked for: a filter, a page size and where to continue.
public struct ListQuery: Sendable, Equatable {
    /// Which items: unanswered, answered, or both (nil).
    public var status: Item.Status?
    /// 1…100 items per page.
    public var limit: Int
    /// Where the previous page ended; nil for the first page.
    public var cursor: Cursor?
    /// Only items created at or after this instant.
    public var since: Timestamp?
    /// Whether items carry the upstream's own object in `raw`.
    public var includeRaw: Bool

    /// The first page of every item, 20 at a time, unless told otherwise. `limit` is not checked
    /// here: connectors refuse one outside 1…100 with `invalidRequest`.
    public init(status: Item.Status? = nil, limit: Int = 20, cursor: Cursor? = nil, since: Timestamp? = nil, includeRaw: Bool = false) {
        self.status = status
        self.limit = limit
        self.cursor = cursor
        self.since = since
        self.includeRaw = includeRaw
    }
}

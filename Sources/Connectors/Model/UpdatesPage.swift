/// What `updates` returns: items that changed since the cursor, and the cursor to resume from.
/// The cursor is always present: callers store it and come back with it.
public struct UpdatesPage: Sendable, Equatable {
    /// Items created or changed since the cursor given, in the connector's order (usually oldest first).
    public var items: [Item]
    /// Where the next call continues: past this page, and past everything when `hasMore` is false.
    public var nextCursor: Cursor
    /// True when more changes are waiting beyond this page.
    public var hasMore: Bool

    /// A page of `items` and where to resume; `hasMore` when more is known to be waiting.
    public init(items: [Item], nextCursor: Cursor, hasMore: Bool) {
        self.items = items
        self.nextCursor = nextCursor
        self.hasMore = hasMore
    }
}

/// What `updates` returns: items that changed since the cursor, and the cursor to resume from.
/// The cursor is always present: callers store it and come back with it.
public struct UpdatesPage: Sendable, Equatable {
    public var items: [Item]
    public var nextCursor: Cursor
    /// True when more changes are waiting beyond this page.
    public var hasMore: Bool

    public init(items: [Item], nextCursor: Cursor, hasMore: Bool) {
        self.items = items
        self.nextCursor = nextCursor
        self.hasMore = hasMore
    }
}

/// One page of items and the cursor of the next one (nil at the end).
public struct ItemPage: Sendable, Equatable {
    /// The items of this page, in the connector's listing order.
    public var items: [Item]
    /// Where the next page starts; nil when this page is the last.
    public var nextCursor: Cursor?

    /// A page of `items`; pass nil as `nextCursor` only when nothing follows.
    public init(items: [Item], nextCursor: Cursor?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

/// One page of items and the cursor of the next one (nil at the end).
public struct ItemPage: Sendable, Equatable {
    public var items: [Item]
    public var nextCursor: Cursor?

    public init(items: [Item], nextCursor: Cursor?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

/// What `listItems` returns: a filter, a page size and where to continue.
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

    public init(status: Item.Status? = nil, limit: Int = 20, cursor: Cursor? = nil, since: Timestamp? = nil, includeRaw: Bool = false) {
        self.status = status
        self.limit = limit
        self.cursor = cursor
        self.since = since
        self.includeRaw = includeRaw
    }
}

/// One page of items and the cursor of the next one (nil at the end).
public struct ItemPage: Sendable, Equatable {
    public var items: [Item]
    public var nextCursor: Cursor?

    public init(items: [Item], nextCursor: Cursor?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

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

/// The outcome of a reply the upstream accepted.
public struct ReplyReceipt: Sendable, Equatable, Codable {
    public var itemID: String
    /// The upstream's id of the new answer or message, when it returns one.
    public var replyID: String?
    public var createdAt: Timestamp?

    public init(itemID: String, replyID: String? = nil, createdAt: Timestamp? = nil) {
        self.itemID = itemID
        self.replyID = replyID
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case itemID = "item_id"
        case replyID = "reply_id"
        case createdAt = "created_at"
    }
}

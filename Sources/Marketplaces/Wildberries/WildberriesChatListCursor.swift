import Connectors

/// Where a chat list stands. `/seller/chats` returns every chat at once, ordered here by last
/// message (newest first, then by id); the cursor remembers the last chat returned and the filter.
struct WildberriesChatListCursor: Equatable {
    var status: Item.Status?
    /// Unix ms: only chats with a message at or after it.
    var since: Int64?
    var afterTime: Int64?
    var afterID: String?

    init(status: Item.Status?, since: Timestamp?) {
        self.status = status
        self.since = since?.millisecondsSinceEpoch
    }

    init(_ cursor: Cursor) throws(ConnectorError) {
        guard cursor["v"] == "l1", let time = try WildberriesCursorFields.int64(cursor, "t"), let id = cursor["i"] else {
            throw WildberriesCursorFields.invalid()
        }
        switch cursor["s"] {
        case nil: status = nil
        case let value?:
            guard let parsed = Item.Status(rawValue: value) else { throw WildberriesCursorFields.invalid() }
            status = parsed
        }
        since = try WildberriesCursorFields.int64(cursor, "f")
        afterTime = time
        afterID = id
    }

    var cursor: Cursor {
        var state = ["v": "l1"]
        state["s"] = status?.rawValue
        state["f"] = since.map(String.init)
        state["t"] = afterTime.map(String.init)
        state["i"] = afterID
        return Cursor(state)
    }

    /// Whether a chat whose last message is at `time` comes after the cursor in list order.
    func isAfter(time: Int64, id: String) -> Bool {
        guard let afterTime, let afterID else { return true }
        return time < afterTime || (time == afterTime && id > afterID)
    }
}

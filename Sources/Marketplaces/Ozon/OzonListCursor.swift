import Connectors

/// The state of a listing between pages: the filter it was started with (a cursor continues the
/// listing it came from, whatever filter the next request repeats) and the position reached.
struct OzonListCursor: Sendable, Equatable {
    var status: Item.Status?
    var since: Timestamp?
    var position: OzonListPosition

    /// The listing a query asks for: a fresh one, or the one its cursor continues.
    init(_ query: ListQuery) throws(ConnectorError) {
        guard let cursor = query.cursor else {
            status = query.status
            since = query.since
            position = .start
            return
        }
        guard cursor["k"] == "list" else { throw Self.invalid }
        switch cursor["st"] {
        case nil, "": status = nil
        case let raw?:
            guard let value = Item.Status(rawValue: raw) else { throw Self.invalid }
            status = value
        }
        if let raw = cursor["since"] {
            guard let millis = Int64(raw) else { throw Self.invalid }
            since = Timestamp(millisecondsSinceEpoch: millis)
        }
        let skip = Int(cursor["s"] ?? "0") ?? -1
        guard skip >= 0 else { throw Self.invalid }
        var afterKey: UInt64?
        if let raw = cursor["l"] {
            guard let key = UInt64(raw) else { throw Self.invalid }
            afterKey = key
        }
        position = OzonListPosition(page: cursor["p"], skip: skip, after: cursor["a"], afterKey: afterKey,
                                    afterDate: try Self.millis(cursor["d"]), pageDate: try Self.millis(cursor["pd"]),
                                    upTo: try Self.millis(cursor["u"]))
    }

    /// The cursor of the page after `next`, or nil at the end.
    func cursor(at next: OzonListPosition?) -> Cursor? {
        guard let next else { return nil }
        // Room for every member at once, and only those present set.
        var state = Cursor(capacity: 9)
        state["k"] = "list"
        state["s"] = String(next.skip)
        if let status { state["st"] = status.rawValue }
        if let since { state["since"] = String(since.millisecondsSinceEpoch) }
        if let page = next.page { state["p"] = page }
        if let after = next.after { state["a"] = after }
        if let key = next.afterKey { state["l"] = String(key) }
        if let date = next.afterDate { state["d"] = String(date) }
        if let date = next.pageDate { state["pd"] = String(date) }
        if let upTo = next.upTo { state["u"] = String(upTo) }
        return state
    }

    /// An instant in Unix ms, as the cursor carries it; nil when absent.
    private static func millis(_ raw: String?) throws(ConnectorError) -> Int64? {
        guard let raw else { return nil }
        guard let millis = Int64(raw) else { throw invalid }
        return millis
    }

    static let invalid = ConnectorError.invalidRequest(field: "cursor", reason: "cursor is not one this connector issued for this listing")
}

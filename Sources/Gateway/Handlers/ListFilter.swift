import Connectors

/// The filters of a listing (`status`, `since`), which the gateway binds into every list cursor
/// it seals, under a field no connector uses: a page asked for with a cursor and a different
/// filter is refused, not answered with the cursor's own.
struct ListFilter: Equatable {
    /// nil: all.
    var status: Item.Status?
    var since: Timestamp?

    /// The cursor field the filter travels in; connectors never see it.
    static let cursorField = "_f"

    init(status: Item.Status?, since: Timestamp?) {
        self.status = status
        self.since = since
    }

    /// `u`, `a` or `*`, then `@` and the milliseconds of `since` when there is one.
    var cursorValue: String {
        let code = switch status {
        case .unanswered?: "u"
        case .answered?: "a"
        case nil: "*"
        }
        guard let since else { return code }
        return code + "@" + String(since.millisecondsSinceEpoch)
    }

    init?(cursorValue value: String) {
        let parts = value.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        switch parts[0] {
        case "u": status = .unanswered
        case "a": status = .answered
        case "*": status = nil
        default: return nil
        }
        if parts.count == 2 {
            guard let millis = Int64(parts[1]) else { return nil }
            since = Timestamp(millisecondsSinceEpoch: millis)
        } else {
            since = nil
        }
    }

    /// The status as the API names it.
    var statusName: String { status?.rawValue ?? "all" }

    /// The filter to list with when `cursor` continues a listing: the one the cursor carries
    /// (taken out of it, so the connector sees only its own fields), where a filter given beside
    /// it must be the same, or an error per field joins `errors`. This filter when the cursor
    /// carries none.
    func continuing(_ cursor: inout Cursor?, statusGiven: Bool, sinceGiven: Bool, errors: inout [FieldError]) -> ListFilter {
        guard let bound = cursor?.removeValue(forKey: Self.cursorField) else { return self }
        guard let continued = ListFilter(cursorValue: bound) else {
            errors.append(FieldError("cursor", "is not valid"))
            return self
        }
        if statusGiven, continued.status != status {
            errors.append(FieldError("status", "differs from the listing this cursor continues (\(continued.statusName)); leave it out or list again without the cursor"))
        }
        if sinceGiven, continued.since != since {
            errors.append(FieldError("since", "differs from the listing this cursor continues; leave it out or list again without the cursor"))
        }
        return continued
    }
}

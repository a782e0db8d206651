import Connectors

/// Where a feedback or question list stands: the `isAnswered` phase (Wildberries requires one;
/// "all" walks unanswered, then answered; feedbacks then the archive, which has no `isAnswered`
/// and no dates and is walked by offset alone), and the date window `[since, windowTo]` (unix seconds)
/// it continues in, with the keys of the ids already returned at the window's upper edge. Each call resumes
/// below the last record returned, not at an offset: a client that answers the feedbacks of one
/// page before asking for the next takes them out of the unanswered list, and an offset would then
/// skip as many unanswered ones (new feedbacks at the top would repeat others). Within a call, and
/// when one second holds more records than the edge keeps, pages follow by offset (`skip`), and
/// past the host's offset caps a new window begins.
struct WildberriesListCursor: Equatable {
    enum Scope: String {
        case unanswered = "u"
        case answered = "a"
        case all = "*"

        /// Whether a record, answered or not, belongs to a list of this scope.
        func admits(answered: Bool) -> Bool {
            switch self {
            case .unanswered: !answered
            case .answered: answered
            case .all: true
            }
        }
    }

    /// Keys kept per edge: enough for every record of one second in practice, small enough for a
    /// cursor (two edges of 64 keys seal to about 1 KB).
    static let edgeLimit = 64

    /// Which list is being read; the raw value is the cursor's `p`.
    enum Phase: String {
        /// `isAnswered=false`.
        case unanswered = "0"
        /// `isAnswered=true`.
        case answered = "1"
        /// The archive, after the lists by `isAnswered`: by offset alone, newest first, the
        /// scope's status filtered here (it has neither `isAnswered` nor dates).
        case archive = "2"
    }

    var scope: Scope
    var phase: Phase
    var skip = 0
    /// Unix ms: only records created at or after it.
    var since: Int64?
    /// The window's upper bound (unix seconds, inclusive).
    var windowTo: Int64?
    /// Whether `dateTo` is sent as `windowTo` itself: after a crowded second was given up, that
    /// second must stay out of the window's pages. Otherwise it is sent a second higher, whichever
    /// way Wildberries counts it, and what lies above `windowTo` is skipped.
    var windowExact = false
    /// Keys of the ids already returned that fall on `windowTo`.
    var excluded: [UInt32] = []
    /// The creation second of the last record returned, and the keys of the ids returned with that second.
    var lastSecond: Int64?
    var lastIDs: [UInt32] = []
    /// How many records were returned at `lastSecond`: the cursor keeps only the last
    /// `edgeLimit` of their keys.
    var lastCount = 0

    init(status: Item.Status?, since: Timestamp?) {
        switch status {
        case .unanswered?: scope = .unanswered
        case .answered?: scope = .answered
        case nil: scope = .all
        }
        phase = scope == .answered ? .answered : .unanswered
        self.since = since?.millisecondsSinceEpoch
    }

    init(_ cursor: Cursor) throws(ConnectorError) {
        guard let scope = cursor["s"].flatMap(Scope.init(rawValue:)), let phase = cursor["p"].flatMap(Phase.init(rawValue:)),
              let skip = try WildberriesCursorFields.int64(cursor, "k"), skip >= 0, skip <= Int64(Int32.max)
        else { throw WildberriesCursorFields.invalid() }
        self.scope = scope
        self.phase = phase
        self.skip = Int(skip)
        since = try WildberriesCursorFields.int64(cursor, "f")
        windowTo = try WildberriesCursorFields.int64(cursor, "t")
        windowExact = cursor["g"] == "1"
        excluded = try WildberriesCursorFields.keys(cursor, "xk", legacyKey: "x")
        lastSecond = try WildberriesCursorFields.int64(cursor, "l")
        lastIDs = try WildberriesCursorFields.keys(cursor, "ek", legacyKey: "e")
        let count = try WildberriesCursorFields.int64(cursor, "n") ?? Int64(lastIDs.count)
        guard count >= Int64(lastIDs.count), count <= Int64(Int32.max) else { throw WildberriesCursorFields.invalid() }
        lastCount = Int(count)
    }

    /// `since` as `dateFrom` counts: whole seconds, rounded down. Wildberries refuses a negative
    /// `dateFrom` ("Плохой формат dateFrom"), and nothing it holds predates 1970 anyway.
    var sinceSecond: Int64? {
        since.map { max(0, Timestamp(millisecondsSinceEpoch: $0).secondsSinceEpoch) }
    }

    var cursor: Cursor {
        var state = ["s": scope.rawValue, "p": phase.rawValue, "k": String(skip)]
        state["f"] = since.map(String.init)
        state["t"] = windowTo.map(String.init)
        if windowExact { state["g"] = "1" }
        state["xk"] = WildberriesCursorFields.join(keys: excluded, limit: Self.edgeLimit)
        state["l"] = lastSecond.map(String.init)
        state["ek"] = WildberriesCursorFields.join(keys: lastIDs, limit: Self.edgeLimit)
        if lastCount > lastIDs.suffix(Self.edgeLimit).count { state["n"] = String(lastCount) }
        return Cursor(state)
    }

    /// Records a returned record, newest-first order: its second becomes the edge.
    mutating func noteReturned(id: String, second: Int64?) {
        guard let second else { return }
        let key = CursorKeys.key(id)
        if second == lastSecond {
            lastIDs.append(key)
            lastCount += 1
        } else {
            lastSecond = second
            lastIDs = [key]
            lastCount = 1
        }
    }

    /// Starts a call where the previous one stopped: at the second of the last record returned,
    /// without the ids returned there. When more records share that second than a cursor keeps,
    /// the walk goes on by offset instead, as it would repeat the ones left out; so it does when
    /// the previous call returned nothing in the window it resumed (only unreadable, undated or
    /// filtered entries): starting that window over would never get past them.
    mutating func resumeBelowLastReturned() {
        guard phase != .archive else { return }
        // The keys must name every record returned at the edge (a cursor of an earlier version
        // kept fewer ids than this one keeps keys).
        guard let edge = lastSecond, lastCount <= min(lastIDs.count, Self.edgeLimit) else { return }
        if windowTo == edge, excluded == lastIDs { return }
        windowTo = edge
        windowExact = false
        excluded = lastIDs
        skip = 0
    }

    /// `dateTo` for the window's pages.
    var dateTo: Int64? { windowTo.map { windowExact ? $0 : $0 + 1 } }

    /// Continues below the caps: a window ending at the last second returned, skipping the ids
    /// already returned there. Should one second hold more records than the caps let through,
    /// the rest of that second is given up rather than looping on it.
    mutating func enterWindow() {
        guard let edge = lastSecond else { return }
        if let top = windowTo, edge >= top {
            windowTo = top - 1
            windowExact = true
            excluded = []
        } else {
            windowTo = edge
            windowExact = false
            excluded = lastIDs
        }
        skip = 0
    }

    /// Moves from the unanswered to the answered phase when listing all, and from the last of
    /// those to the archive when there is one; false when the list is done.
    mutating func nextPhase(archive: Bool) -> Bool {
        switch phase {
        case .unanswered where scope == .all: phase = .answered
        case .unanswered where archive, .answered where archive: phase = .archive
        default: return false
        }
        skip = 0
        windowTo = nil
        windowExact = false
        excluded = []
        lastSecond = nil
        lastIDs = []
        lastCount = 0
        return true
    }
}

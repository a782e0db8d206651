import Connectors

/// `updates` for reviews and questions: everything published since a watermark, oldest first.
/// The cursor holds the watermark (the publication instant, in milliseconds, of the last item
/// returned) and the ids already returned at exactly that instant; the next call asks Ozon for
/// items published at or after the watermark and drops those ids, so items sharing the edge
/// instant are neither lost nor repeated. A nil cursor starts from the oldest item.
///
/// Cursors must stay short (sealed, at most 2 KB): when more than `maxEdge` items share the
/// watermark's millisecond, the page takes every item of that millisecond, past `limit` if need
/// be, and the next call starts a millisecond later with no ids.
///
/// Ozon is asked for the oldest first (`sort_dir: ASC`, which not every version of its spec
/// documents). A listing that comes in another order is read whole and sorted here, a window of
/// publication times at a time: one that does not fit in `pageBudget` pages is cut at the
/// oldest time its newest pages reached (`published_to`, `date_to`), and the cursor keeps the
/// cuts (`h`, the lowest `maxBounds`), so a later window is mostly one read before (a deeper
/// backlog is cut again from the top). A call reads at most `pageBudget` pages, the ones its
/// scan read first included; one that only found where to cut answers no items with `hasMore`.
enum OzonPublishedSync {
    static let maxEdge = 20
    /// Pages a call reads at most to put an out-of-order listing in order.
    static let pageBudget = 20
    /// Window bounds a cursor keeps; past it the highest are let go (a later window is then cut
    /// again).
    static let maxBounds = 32

    /// - Parameter fetch: the page of items published at or after `from` (all when nil) and at or
    ///   before `to` (no bound when nil), oldest first if Ozon keeps to it, continuing after the
    ///   upstream token.
    static func updates(since cursor: Cursor?, limit: Int,
                        fetch: (_ from: Timestamp?, _ to: Timestamp?, _ token: String?) async throws(ConnectorError) -> OzonPage<OzonDatedEntry>)
        async throws(ConnectorError) -> UpdatesPage {
        try OzonValidation.limit(limit)
        var watermark: Timestamp?
        var edge: Set<String> = []
        // Upper bounds (unix ms) of the windows an out-of-order listing is read in, highest first:
        // the last is the current window's.
        var bounds: [Int64] = []
        if let cursor {
            guard cursor["k"] == "updates" else { throw invalid }
            if let raw = cursor["w"] {
                guard let millis = Int64(raw) else { throw invalid }
                watermark = Timestamp(millisecondsSinceEpoch: millis)
            }
            edge = Set((cursor["ids"] ?? "").split(separator: ",").map(String.init))
            for raw in (cursor["h"] ?? "").split(separator: ",") {
                guard let millis = Int64(raw), bounds.last.map({ millis < $0 }) ?? true else { throw invalid }
                bounds.append(millis)
            }
        }
        let cursorEdge = edge
        let from = watermark
        var items: [Item] = []
        var hasMore = false
        // Takes `entry` in unless the page is full (then false). A crowded millisecond is taken
        // whole, whatever the limit.
        func take(_ entry: OzonDatedEntry) -> Bool {
            if let watermark, entry.publishedAt < watermark { return true }
            if entry.publishedAt == watermark, edge.contains(entry.id) { return true }
            let crowded = entry.publishedAt == watermark && edge.count >= maxEdge
            if items.count >= limit, !crowded {
                hasMore = true
                return false
            }
            if let item = entry.item { items.append(item) }
            if entry.publishedAt != watermark {
                watermark = entry.publishedAt
                edge = []
            }
            edge.insert(entry.id)
            return true
        }
        var token: String?
        var pages = 0
        var previous: Timestamp?
        var outOfOrder = !bounds.isEmpty
        scan: while !outOfOrder {
            let page = try await fetch(from, nil, token)
            pages += 1
            // Asked for oldest first (`sort_dir: ASC`, which not every version of Ozon's spec
            // documents): an item older than the one before means the listing came in another
            // order, and walking it as it came would pass over older items. The whole page is
            // judged before any of it is taken: a call whose limit fills on items of one instant
            // at the top of a newest-first page would otherwise move the watermark past the
            // older items below them.
            for entry in page.entries {
                if let previous, entry.publishedAt < previous {
                    outOfOrder = true
                    break scan
                }
                previous = entry.publishedAt
            }
            for entry in page.entries {
                guard take(entry) else { break scan }
            }
            guard page.hasNext else { break }
            token = page.nextToken
            // A full page, or enough scanning for one call: the rest comes with the next cursor
            // (not inside a crowded millisecond, which is taken whole).
            if items.count >= limit || pages >= 20, edge.count <= maxEdge {
                hasMore = true
                break
            }
        }
        if outOfOrder {
            (watermark, edge, items, hasMore) = (from, cursorEdge, [], false)
            if try await readInWindows(from: from, bounds: &bounds, budget: max(1, pageBudget - pages), fetch: fetch, take: take) {
                hasMore = true
            }
        }
        if edge.count > maxEdge, let crowded = watermark {
            // Every item of the crowded millisecond was taken (the scan went on to a later one or
            // to the end): go on after it.
            watermark = Timestamp(millisecondsSinceEpoch: crowded.millisecondsSinceEpoch + 1)
            edge = []
        }
        var state = ["k": "updates", "ids": edge.sorted().joined(separator: ",")]
        state["w"] = watermark.map { String($0.millisecondsSinceEpoch) }
        if !bounds.isEmpty { state["h"] = bounds.suffix(maxBounds).map(String.init).joined(separator: ",") }
        return UpdatesPage(items: items, nextCursor: Cursor(state), hasMore: hasMore)
    }

    /// Reads an out-of-order listing in windows of publication time, each read whole and taken
    /// in order: the window below the lowest of `bounds` (all since `from` when there are none).
    /// A window that does not fit in the pages left is cut at the oldest time its pages reached,
    /// and that cut becomes the next call's window; one taken to its end gives way to the one
    /// above it. Stops when `take` refuses an item (the page is full), when the budget is spent
    /// or a window was cut (true: more to read), or when the listing is done.
    private static func readInWindows(
        from: Timestamp?, bounds: inout [Int64], budget: Int,
        fetch: (_ from: Timestamp?, _ to: Timestamp?, _ token: String?) async throws(ConnectorError) -> OzonPage<OzonDatedEntry>,
        take: (OzonDatedEntry) -> Bool
    ) async throws(ConnectorError) -> Bool {
        var pages = 0
        var lower = from
        while true {
            let to = bounds.last.map { Timestamp(millisecondsSinceEpoch: $0) }
            var entries: [OzonDatedEntry] = []
            var token: String?
            var complete = false
            while pages < budget {
                // Asked a millisecond past the bound, and cut back here: Ozon keeps microseconds,
                // and a window must hold the whole of its top millisecond.
                let page = try await fetch(lower, to.map { Timestamp(millisecondsSinceEpoch: $0.millisecondsSinceEpoch + 1) }, token)
                pages += 1
                entries += page.entries
                guard page.hasNext else {
                    complete = true
                    break
                }
                token = page.nextToken
            }
            if let to { entries.removeAll { to < $0.publishedAt } }
            guard complete else {
                // Whatever order the rest comes in, the window up to the oldest time these pages
                // reached above the window's floor is a smaller one to read next (listed newest
                // first, it holds everything these pages did not); none above the floor, or none
                // below the window's top, and cutting would not narrow it.
                guard let oldest = entries.lazy.map(\.publishedAt).filter({ time in lower.map { $0 < time } ?? true }).min(),
                      to.map({ oldest < $0 }) ?? true else { throw unordered }
                bounds.append(oldest.millisecondsSinceEpoch)
                return true
            }
            entries.sort { ($0.publishedAt, $0.id) < ($1.publishedAt, $1.id) }
            for entry in entries {
                guard take(entry) else { return false }  // the page is full (`take` says so): the window goes on next call
            }
            guard let done = bounds.popLast() else { return false }  // the open window: the listing is done
            lower = lower.map { max($0, Timestamp(millisecondsSinceEpoch: done)) } ?? Timestamp(millisecondsSinceEpoch: done)
            guard pages < budget else { return true }
        }
    }

    static let invalid = ConnectorError.invalidRequest(field: "cursor", reason: "cursor is not one this connector issued for these updates")

    static let unordered = ConnectorError.upstreamError(UpstreamFailure(
        marketplace: .ozon, status: 200,
        message: "Ozon listed items out of the order asked for (oldest first), and a window of publication times does not narrow it: updates cannot be put in order"))
}

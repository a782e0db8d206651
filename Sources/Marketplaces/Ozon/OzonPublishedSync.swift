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
enum OzonPublishedSync {
    static let maxEdge = 20

    /// - Parameter fetch: the page of items published at or after `from` (all when nil), oldest
    ///   first, continuing after the upstream token.
    static func updates(since cursor: Cursor?, limit: Int,
                        fetch: (_ from: Timestamp?, _ token: String?) async throws(ConnectorError) -> OzonPage<OzonDatedEntry>)
        async throws(ConnectorError) -> UpdatesPage {
        try OzonValidation.limit(limit)
        var watermark: Timestamp?
        var edge: Set<String> = []
        if let cursor {
            guard cursor["k"] == "updates" else { throw invalid }
            if let raw = cursor["w"] {
                guard let millis = Int64(raw) else { throw invalid }
                watermark = Timestamp(millisecondsSinceEpoch: millis)
            }
            edge = Set((cursor["ids"] ?? "").split(separator: ",").map(String.init))
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
        var outOfOrder = false
        scan: while true {
            let page = try await fetch(from, token)
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
            // Read the whole listing since the watermark again and put it in order here.
            (watermark, edge, items, hasMore) = (from, cursorEdge, [], false)
            var entries: [OzonDatedEntry] = []
            token = nil
            for round in 1... {
                guard round <= 20 else { throw Self.unordered }
                let page = try await fetch(from, token)
                entries += page.entries
                guard page.hasNext else { break }
                token = page.nextToken
            }
            entries.sort { ($0.publishedAt, $0.id) < ($1.publishedAt, $1.id) }
            for entry in entries {
                guard take(entry) else { break }
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
        return UpdatesPage(items: items, nextCursor: Cursor(state), hasMore: hasMore)
    }

    static let invalid = ConnectorError.invalidRequest(field: "cursor", reason: "cursor is not one this connector issued for these updates")

    static let unordered = ConnectorError.upstreamError(UpstreamFailure(
        marketplace: .ozon, status: 200,
        message: "Ozon listed items out of the order asked for (oldest first), over more than 20 pages: updates cannot be put in order"))
}

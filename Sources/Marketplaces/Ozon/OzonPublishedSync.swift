import Connectors

/// `updates` for reviews and questions: everything published since a watermark, oldest first.
/// The cursor holds the watermark (the publication instant, in milliseconds, of the last item
/// returned) and the ids already returned at exactly that instant; the next call asks Ozon for
/// items published at or after the watermark and drops those ids, so items sharing the edge
/// instant are neither lost nor repeated. A nil cursor starts from the oldest item.
enum OzonPublishedSync {
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
        let from = watermark
        var items: [Item] = []
        var hasMore = false
        var token: String?
        var pages = 0
        scan: while true {
            let page = try await fetch(from, token)
            pages += 1
            for entry in page.entries {
                if let watermark, entry.publishedAt < watermark { continue }
                if entry.publishedAt == watermark, edge.contains(entry.id) { continue }
                if items.count == limit {
                    hasMore = true
                    break scan
                }
                if let item = entry.item { items.append(item) }
                if entry.publishedAt != watermark {
                    watermark = entry.publishedAt
                    edge = []
                }
                edge.insert(entry.id)
            }
            guard page.hasNext else { break }
            token = page.nextToken
            // A full page, or enough scanning for one call: the rest comes with the next cursor.
            if items.count == limit || pages == 20 {
                hasMore = true
                break
            }
        }
        var state = ["k": "updates", "ids": edge.sorted().joined(separator: ",")]
        state["w"] = watermark.map { String($0.millisecondsSinceEpoch) }
        return UpdatesPage(items: items, nextCursor: Cursor(state), hasMore: hasMore)
    }

    static let invalid = ConnectorError.invalidRequest(field: "cursor", reason: "The cursor does not belong to these updates.")
}

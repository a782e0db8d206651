import Connectors

/// Lists the unanswered items page by page as a seller's tool does: every item of a page is
/// answered with `text` before the next page is asked for. Returns the ids listed, in order.
func listAnsweringEachPage(_ connector: any ChannelConnector, limit: Int, text: String,
                           deadline: () -> ContinuousClock.Instant) async throws -> [String] {
    var query = ListQuery(status: .unanswered, limit: limit)
    var listed: [String] = []
    for _ in 0..<50 {
        let page = try await connector.listItems(query, deadline: deadline())
        listed += page.items.map(\.id)
        for item in page.items { _ = try await connector.reply(to: item.id, text: text, deadline: deadline()) }
        guard let next = page.nextCursor else { break }
        query.cursor = next
    }
    return listed
}

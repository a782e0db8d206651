import Connectors

/// A reader's place in the chat event stream: the newest `addTimestamp` consumed (the
/// watermark, unix ms) and the `eventID`s consumed at exactly that millisecond. The stream is
/// asked from just below the watermark (`next = watermark − 1`), so events that share the
/// watermark's millisecond but arrived later are not lost, and those already consumed are
/// recognised by id instead of being reported twice.
struct WildberriesEventPosition: Equatable, Sendable {
    /// Ids kept at the edge: more than ever share one millisecond in practice.
    static let edgeLimit = 24

    var watermark: Int64?
    var seen: [String] = []

    init(watermark: Int64? = nil, seen: [String] = []) {
        self.watermark = watermark
        self.seen = seen
    }

    init(_ cursor: Cursor) throws(ConnectorError) {
        guard cursor["v"] == "c1" else { throw WildberriesCursorFields.invalid() }
        watermark = try WildberriesCursorFields.int64(cursor, "w")
        seen = WildberriesCursorFields.ids(cursor, "e")
    }

    var cursor: Cursor {
        var state = ["v": "c1"]
        state["w"] = watermark.map(String.init)
        state["e"] = WildberriesCursorFields.join(seen, limit: Self.edgeLimit)
        return Cursor(state)
    }

    /// The `next` to ask the stream with: nil (from the oldest) before anything was consumed.
    var query: Int64? { watermark.map { max(1, $0 - 1) } }

    func isNew(_ event: WildberriesChatEvent) -> Bool {
        guard let watermark else { return true }
        return event.addTimestamp > watermark || (event.addTimestamp == watermark && !seen.contains(event.eventID))
    }

    /// Moves past `page` when it holds events none of which could be read, up to where the stream
    /// goes on (`next`): they are lost either way, and staying put would read that page again on
    /// every call.
    mutating func pass(unreadable page: WildberriesEventsPage) {
        guard page.events.isEmpty, page.unreadable > 0, let next = page.next, next > (watermark ?? .min) else { return }
        watermark = next
        seen = []
    }

    mutating func consume(_ event: WildberriesChatEvent) {
        if event.addTimestamp == watermark {
            seen.append(event.eventID)
            if seen.count > Self.edgeLimit * 2 { seen.removeFirst(seen.count - Self.edgeLimit) }
        } else if event.addTimestamp > (watermark ?? .min) {
            watermark = event.addTimestamp
            seen = [event.eventID]
        }
    }
}

import Connectors

/// A reader's place in the chat event stream: the newest `addTimestamp` consumed (the
/// watermark, unix ms) and 32-bit keys of the `eventID`s consumed at exactly that time. The
/// stream's times are whole seconds, so many events can share the watermark: the stream is
/// asked from just below it (`next = watermark − 1`), so events of that second that arrived
/// later, or that a page boundary cut off, are not lost, and those already consumed are
/// recognised by key instead of being reported twice. Past `edgeLimit` events in the one second
/// the edge closes: the stream is then asked from the watermark itself, so nothing repeats, and
/// only events arriving later in that same second could be missed.
struct WildberriesEventPosition: Equatable, Sendable {
    /// Keys kept at the edge: four bytes each in the cursor.
    static let edgeLimit = 128

    var watermark: Int64?
    var seen: [UInt32] = []
    /// Every event at the watermark counts as consumed (more than `edgeLimit` of them were).
    var edgeClosed = false

    init(watermark: Int64? = nil, seen: [String] = []) {
        self.watermark = watermark
        self.seen = seen.map(WildberriesCursorFields.key)
    }

    /// Opens a cursor of this version (`c2`) or of the one before it (`c1`, ids in clear).
    init(_ cursor: Cursor) throws(ConnectorError) {
        guard cursor["v"] == "c2" || cursor["v"] == "c1" else { throw WildberriesCursorFields.invalid() }
        watermark = try WildberriesCursorFields.int64(cursor, "w")
        seen = try WildberriesCursorFields.keys(cursor, "k", legacyKey: "e")
        guard seen.count <= Self.edgeLimit * 2 else { throw WildberriesCursorFields.invalid() }
        switch cursor["x"] {
        case nil: edgeClosed = false
        case "1": edgeClosed = true
        default: throw WildberriesCursorFields.invalid()
        }
    }

    var cursor: Cursor {
        var state = ["v": "c2"]
        state["w"] = watermark.map(String.init)
        state["k"] = WildberriesCursorFields.join(keys: seen, limit: Self.edgeLimit)
        if edgeClosed { state["x"] = "1" }
        return Cursor(state)
    }

    /// The `next` to ask the stream with: nil (from the oldest) before anything was consumed.
    var query: Int64? { watermark.map { edgeClosed ? $0 : max(1, $0 - 1) } }

    func isNew(_ event: WildberriesChatEvent) -> Bool {
        guard let watermark, event.addTimestamp <= watermark else { return true }
        return event.addTimestamp == watermark && !edgeClosed && !seen.contains(WildberriesCursorFields.key(event.eventID))
    }

    /// Moves past `page` when it holds events none of which could be read, up to where the stream
    /// goes on (`next`): they are lost either way, and staying put would read that page again on
    /// every call.
    mutating func pass(unreadable page: WildberriesEventsPage) {
        guard page.events.isEmpty, page.unreadable > 0, let next = page.next, next >= (watermark ?? .min),
              next > (watermark ?? .min) || !edgeClosed else { return }
        watermark = next
        seen = []
        edgeClosed = true
    }

    mutating func consume(_ event: WildberriesChatEvent) {
        if event.addTimestamp == watermark {
            guard !edgeClosed else { return }
            seen.append(WildberriesCursorFields.key(event.eventID))
            if seen.count > Self.edgeLimit {
                seen = []
                edgeClosed = true
            }
        } else if event.addTimestamp > (watermark ?? .min) {
            watermark = event.addTimestamp
            seen = [WildberriesCursorFields.key(event.eventID)]
            edgeClosed = false
        }
    }
}

extension WildberriesEventPosition {
    /// Where to ask the stream next within one call after `page` (asked with `asked`), or nil
    /// when the reading is over.
    ///
    /// - A page shorter than the stream's pages (`full` false) held all there was: over.
    /// - After new events, from just below the newest (`query`): the stream's own `next` is
    ///   that event's second and gives only what follows it, which would skip the rest of a
    ///   second the page boundary cut.
    /// - After a page with nothing new, from the stream's `next` when it is further on: the page
    ///   was all events of one second already consumed, and only the stream's cursor gets past
    ///   them (the end of the stream answers `totalEvents: 0` there).
    /// - When the stream's `next` stays where it was asked and the page is all of the
    ///   watermark's second (a stream that goes on from `next` inclusively, with a page-full of
    ///   one second), the edge closes just past that second: stopping there would read the same
    ///   page on every call and never get further.
    mutating func nextQuery(after page: WildberriesEventsPage, asked: Int64?, progressed: Bool, full: Bool) -> Int64? {
        guard full else { return nil }
        if progressed, let query, query != asked { return query }
        guard let next = page.next else { return nil }
        if next > (asked ?? .min) { return next }
        guard !progressed, let watermark, !page.events.isEmpty, page.events.allSatisfy({ $0.addTimestamp == watermark }) else { return nil }
        self.watermark = watermark + 1
        seen = []
        edgeClosed = true
        return query
    }
}

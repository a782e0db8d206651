import Connectors

/// `result` of `GET /api/v1/seller/events`: the events, the `next` cursor in ms, and
/// `totalEvents`, 0 on the page that says "caught up". The events are put in `addTimestamp`
/// order, whatever order the page had (the reference promises none), those of one time in the page's.
struct WildberriesEventsPage: JSONReadable {
    var next: Int64?
    var totalEvents: Int
    var events: [WildberriesChatEvent]
    /// Events on the page that could not be read (no chat or event id, odd types).
    var unreadable = 0
    /// Wildberries' time when it answered (its `Date`, unix ms of the whole second), if it said.
    var answeredAt: Int64?

    init(json: JSONElement) throws(JSONReadError) {
        var next = WildberriesScalar.null, totalEvents = WildberriesScalar.null
        var events: [WildberriesChatEvent?] = []
        try json.members { key, value throws(JSONReadError) in
            switch key {
            case "next": next = WildberriesScalar(value)
            case "totalEvents": totalEvents = WildberriesScalar(value)
            case "events": events = try value.nonNull.map(WildberriesLossyList<WildberriesChatEvent>.init(json:))?.elements ?? []
            default: break
            }
        }
        // A `next` no date could have is taken for none: the reading's arithmetic on it (a
        // millisecond below, one above) must not overflow.
        self.next = next.int64.flatMap { FlexibleDate.milliseconds($0) == nil ? nil : $0 }
        // Stable: events of one second keep the page's order, the only one Wildberries gives
        // them (their ids are random), so a reply sent right after a buyer's message stays last.
        self.events = events.compactMap { $0 }.enumerated()
            .sorted { ($0.element.addTimestamp, $0.offset) < ($1.element.addTimestamp, $1.offset) }.map(\.element)
        unreadable = events.count - self.events.count
        self.totalEvents = totalEvents.int ?? events.count
    }
}

import Connectors

/// `result` of `GET /api/v1/seller/events`: the events, the `next` cursor in ms, and
/// `totalEvents`, 0 on the page that says "caught up". The events are put in `addTimestamp`
/// order (then `eventID`), whatever order the page had: the reference promises none.
struct WildberriesEventsPage: JSONReadable {
    var next: Int64?
    var totalEvents: Int
    var events: [WildberriesChatEvent]
    /// Events on the page that could not be read (no chat or event id, odd types).
    var unreadable = 0

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
        self.next = next.int64
        self.events = events.compactMap { $0 }.sorted { ($0.addTimestamp, $0.eventID) < ($1.addTimestamp, $1.eventID) }
        unreadable = events.count - self.events.count
        self.totalEvents = totalEvents.int ?? events.count
    }
}

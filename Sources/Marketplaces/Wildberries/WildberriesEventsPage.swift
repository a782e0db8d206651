/// `result` of `GET /api/v1/seller/events`: the events (oldest first), the `next` cursor in ms,
/// and `totalEvents`, 0 on the page that says "caught up".
struct WildberriesEventsPage: Decodable {
    var next: Int64?
    var totalEvents: Int
    var events: [WildberriesChatEvent]

    enum CodingKeys: String, CodingKey { case next, totalEvents, events }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        next = c.wildberriesScalar(.next).int64
        let events = try c.decodeIfPresent(WildberriesLossyList<WildberriesChatEvent>.self, forKey: .events)?.elements ?? []
        self.events = events.compactMap { $0 }
        totalEvents = c.wildberriesScalar(.totalEvents).int ?? events.count
    }
}

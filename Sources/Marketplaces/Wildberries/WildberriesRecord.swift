import Connectors

/// What feedbacks and questions share for listing and syncing: an id, a creation date, and
/// whether the seller has answered (decided by the presence of an answer, never by `state`).
protocol WildberriesRecord: JSONReadable, Sendable {
    var id: String { get }
    var createdAt: Timestamp? { get }
    var hasAnswer: Bool { get }
    /// Whether the item's `status` is answered: what a list filters by where Wildberries has no
    /// side of its own to file it under (the archive).
    var showsAnswer: Bool { get }
    func item(raw: JSONValue?) -> Item
}

extension WildberriesRecord {
    /// The creation date in whole unix seconds, as `dateFrom`/`dateTo` count.
    var createdSecond: Int64? { createdAt?.secondsSinceEpoch }
}

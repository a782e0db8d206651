import Connectors

/// A review or question on its way into an updates page: its id and publication instant (the
/// watermark's unit) with the item it maps to.
struct OzonDatedEntry: Sendable {
    var id: String
    var publishedAt: Timestamp
    var item: Item
}

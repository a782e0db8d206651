import Connectors

/// A review or question on its way into an updates page: its id and publication instant (the
/// watermark's unit) with the item it maps to.
struct OzonDatedEntry: Sendable {
    var id: String
    var publishedAt: Timestamp
    /// Nil once a page has taken it (`Optional.take()`): moved out rather than copied, as a
    /// copy retains each of the item's strings and the entry is not read again but for its id.
    var item: Item?
}

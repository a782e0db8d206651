extension WildberriesSimulatedQuestion: WildberriesListable {
    var isAnswered: Bool { answer != nil }
    var nmId: Int64 { product.nmId }
    /// Questions have no archive.
    var isArchived: Bool { false }
}

extension WildberriesSimulatedFeedback: WildberriesListable {
    /// The host files a feedback under `isAnswered=true` once it has an answer, whatever `state` says.
    var isAnswered: Bool { answer != nil }
    var nmId: Int64 { product.nmId }
}

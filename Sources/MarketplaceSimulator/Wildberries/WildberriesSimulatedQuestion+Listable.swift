extension WildberriesSimulatedQuestion: WildberriesListable {
    var isAnswered: Bool { answer != nil }
    var nmId: Int64 { product.nmId }
}

/// What `GET /api/v1/feedbacks` and `GET /api/v1/questions` filter and sort on.
protocol WildberriesListable {
    var id: String { get }
    var createdAt: Int64 { get }
    var isAnswered: Bool { get }
    var nmId: Int64 { get }
}

extension WildberriesSimulatedFeedback: WildberriesListable {
    /// The host files a feedback under `isAnswered=true` once it has an answer, whatever `state` says.
    var isAnswered: Bool { answer != nil }
    var nmId: Int64 { product.nmId }
}

extension WildberriesSimulatedQuestion: WildberriesListable {
    var isAnswered: Bool { answer != nil }
    var nmId: Int64 { product.nmId }
}

/// What `GET /api/v1/feedbacks` and `GET /api/v1/questions` filter and sort on.
protocol WildberriesListable {
    var id: String { get }
    var createdAt: Int64 { get }
    var isAnswered: Bool { get }
    var nmId: Int64 { get }
    /// In the archive, out of the lists that filter on `isAnswered` (feedbacks only).
    var isArchived: Bool { get }
}

/// The same fixed 2-item payload the peer servers in ../shared/bench/peers return.
struct ReviewQuery: Codable, Sendable {
    let skip: Int
    let take: Int
}

struct Product: Codable, Sendable {
    let id: String
    let name: String
}

struct ReviewItem: Codable, Sendable {
    let id: String
    let text: String
    let rating: Int
    let createdAt: String
    let product: Product
}

enum ReviewCatalog {
    static let all: [ReviewItem] = [
        ReviewItem(
            id: "rev_0001",
            text: "Solid build quality and the battery easily lasts a full working day. Setup took five minutes and the companion app is clear. Only gripe: the charging cable is short.",
            rating: 4,
            createdAt: "2024-05-01T12:34:56Z",
            product: Product(id: "prod_0042", name: "Demo Widget Pro")
        ),
        ReviewItem(
            id: "rev_0002",
            text: "Works as advertised after the latest firmware update. Support answered within a day and replaced a faulty strap at no cost. Would recommend to friends and colleagues.",
            rating: 5,
            createdAt: "2024-05-03T08:15:02Z",
            product: Product(id: "prod_0042", name: "Demo Widget Pro")
        ),
    ]

    static func page(_ query: ReviewQuery) -> ArraySlice<ReviewItem> {
        let skip = max(0, min(query.skip, all.count))
        let take = max(0, min(query.take, 100))
        return all.dropFirst(skip).prefix(take)
    }
}

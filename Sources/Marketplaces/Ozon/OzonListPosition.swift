/// Where a listing stopped, possibly inside an upstream page: the token that fetches that page
/// (nil: the first page), how many of its entries were already consumed, and the id of the last
/// one consumed (to find the spot again if the page has shifted since).
struct OzonListPosition: Sendable, Equatable {
    var page: String?
    var skip: Int
    var after: String?

    static let start = OzonListPosition(page: nil, skip: 0, after: nil)
}

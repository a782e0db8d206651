import Connectors

/// `goodCard` of a chat or of a message: the product and order the buyer writes about. `date`
/// and the retired `statusID` may be absent.
struct WildberriesGoodCard: Decodable, Sendable, Equatable {
    var nmID: String?
    var rid: String?
    var size: String?
    var date: Timestamp?

    enum CodingKeys: String, CodingKey {
        case nmID, nmId, rid, size, date
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        nmID = c.wildberriesScalar(.nmID).text ?? c.wildberriesScalar(.nmId).text
        rid = c.wildberriesScalar(.rid).text
        size = c.wildberriesScalar(.size).text
        date = c.wildberriesScalar(.date).timestamp
    }

    var product: Item.Product? {
        nmID.map { Item.Product(id: $0, url: "https://www.wildberries.ru/catalog/\($0)/detail.aspx") }
    }
}

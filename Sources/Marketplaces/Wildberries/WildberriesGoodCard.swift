import Connectors

/// `goodCard` of a chat or of a message: the product and order the buyer writes about. `date`
/// and the retired `statusID` may be absent.
struct WildberriesGoodCard: JSONReadable, Sendable, Equatable {
    var nmID: String?
    var rid: String?
    var size: String?
    var date: Timestamp?

    init(json: JSONElement) throws(JSONReadError) {
        var nmID = WildberriesScalar.null, nmId = WildberriesScalar.null, rid = WildberriesScalar.null
        var size = WildberriesScalar.null, date = WildberriesScalar.null
        try json.members { key, value throws(JSONReadError) in
            switch key {
            case "nmID": nmID = WildberriesScalar(value)
            case "nmId": nmId = WildberriesScalar(value)
            case "rid": rid = WildberriesScalar(value)
            case "size": size = WildberriesScalar(value)
            case "date": date = WildberriesScalar(value)
            default: break
            }
        }
        self.nmID = nmID.text ?? nmId.text
        self.rid = rid.text
        self.size = size.text
        self.date = date.timestamp
    }

    var product: Item.Product? {
        nmID.map { Item.Product(id: $0, url: "https://www.wildberries.ru/catalog/\($0)/detail.aspx") }
    }
}

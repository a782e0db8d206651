/// `productDetails` of a feedback or question, `nmId` (the WB article) as number or string.
struct WildberriesProductDetails: Decodable, Sendable {
    var nmId: String?
    var imtId: String?
    var productName: String?
    var supplierArticle: String?
    var brandName: String?
    var size: String?

    enum CodingKeys: String, CodingKey {
        case nmId, nmID, imtId, productName, supplierArticle, brandName, size
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        nmId = c.wildberriesScalar(.nmId).text ?? c.wildberriesScalar(.nmID).text
        imtId = c.wildberriesScalar(.imtId).text
        productName = c.wildberriesScalar(.productName).text
        supplierArticle = c.wildberriesScalar(.supplierArticle).text
        brandName = c.wildberriesScalar(.brandName).text
        size = c.wildberriesScalar(.size).text
    }
}

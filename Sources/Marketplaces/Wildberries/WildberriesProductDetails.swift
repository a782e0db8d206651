import Connectors

/// `productDetails` of a feedback or question, `nmId` (the WB article) as number or string.
struct WildberriesProductDetails: JSONReadable, Sendable {
    var nmId: String?
    var imtId: String?
    var productName: String?
    var supplierArticle: String?
    var brandName: String?
    var size: String?

    init(json: JSONElement) throws(JSONReadError) {
        var nmId = WildberriesScalar.null, nmID = WildberriesScalar.null, imtId = WildberriesScalar.null
        var productName = WildberriesScalar.null, supplierArticle = WildberriesScalar.null
        var brandName = WildberriesScalar.null, size = WildberriesScalar.null
        try json.members { key, value throws(JSONReadError) in
            switch key {
            case "nmId": nmId = WildberriesScalar(value)
            case "nmID": nmID = WildberriesScalar(value)
            case "imtId": imtId = WildberriesScalar(value)
            case "productName": productName = WildberriesScalar(value)
            case "supplierArticle": supplierArticle = WildberriesScalar(value)
            case "brandName": brandName = WildberriesScalar(value)
            case "size": size = WildberriesScalar(value)
            default: break
            }
        }
        self.nmId = nmId.text ?? nmID.text
        self.imtId = imtId.text
        self.productName = productName.text
        self.supplierArticle = supplierArticle.text
        self.brandName = brandName.text
        self.size = size.text
    }
}

/// A product card as the feedbacks and chat hosts describe it (`productDetails`, `goodCard`).
public struct WildberriesSimulatedProduct: Sendable, Equatable {
    public var nmId: Int64
    public var imtId: Int64
    public var name: String
    public var supplierArticle: String
    public var supplierName: String
    public var brandName: String
    public var size: String
    public var subjectId: Int
    public var subjectName: String
    public var color: String
    /// Price in roubles, as `goodCard.price` carries it.
    public var price: Int

    public init(nmId: Int64, imtId: Int64, name: String, supplierArticle: String, supplierName: String, brandName: String,
                size: String, subjectId: Int, subjectName: String, color: String, price: Int) {
        self.nmId = nmId
        self.imtId = imtId
        self.name = name
        self.supplierArticle = supplierArticle
        self.supplierName = supplierName
        self.brandName = brandName
        self.size = size
        self.subjectId = subjectId
        self.subjectName = subjectName
        self.color = color
        self.price = price
    }

    /// `productDetails` of a feedback (with `size`) or of a question (without).
    func details(withSize: Bool) -> [String: Any] {
        var details: [String: Any] = ["imtId": imtId, "nmId": nmId, "productName": name, "supplierArticle": supplierArticle,
                                      "supplierName": supplierName, "brandName": brandName]
        if withSize { details["size"] = size }
        return details
    }
}

/// A product card as the feedbacks and chat hosts describe it (`productDetails`, `goodCard`).
public struct WildberriesSimulatedProduct: Sendable, Equatable {
    /// Wildberries' article number (`nmId`): the product as connectors name it.
    public var nmId: Int64
    /// The card the product belongs to (`imtId`).
    public var imtId: Int64
    /// The product name (`productName`).
    public var name: String
    /// The seller's own article (`supplierArticle`).
    public var supplierArticle: String
    /// The seller's name (`supplierName`).
    public var supplierName: String
    /// The brand (`brandName`).
    public var brandName: String
    /// The size; `0` for products without one.
    public var size: String
    /// The product category's id (`subjectId`).
    public var subjectId: Int
    /// The product category's name (`subjectName`).
    public var subjectName: String
    /// The colour, as the feedback object carries it.
    public var color: String
    /// Price in roubles, as `goodCard.price` carries it.
    public var price: Int

    /// A product card as given.
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

/// A product of the simulated seller: reviews and questions are about one, chats may mention one.
public struct OzonProduct: Sendable, Equatable {
    /// The product's sku, as reviews, questions and chat messages name it.
    public var sku: Int64
    /// The product's name.
    public var name: String

    /// A product as given.
    public init(sku: Int64, name: String) {
        self.sku = sku
        self.name = name
    }

    /// The storefront page, as `product_url` gives it.
    public var url: String { "https://www.ozon.ru/product/\(sku)/" }
}

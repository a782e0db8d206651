/// A product of the simulated seller: reviews and questions are about one, chats may mention one.
public struct OzonProduct: Sendable, Equatable {
    public var sku: Int64
    public var name: String

    public init(sku: Int64, name: String) {
        self.sku = sku
        self.name = name
    }

    /// The storefront page, as `product_url` gives it.
    public var url: String { "https://www.ozon.ru/product/\(sku)/" }
}

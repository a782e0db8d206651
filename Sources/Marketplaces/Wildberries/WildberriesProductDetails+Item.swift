import Connectors

extension WildberriesProductDetails {
    /// The product of a unified item: the WB article, its name and its storefront page.
    var itemProduct: Item.Product? {
        guard let nmId else { return nil }
        return Item.Product(id: nmId, name: productName, url: "https://www.wildberries.ru/catalog/\(nmId)/detail.aspx")
    }
}

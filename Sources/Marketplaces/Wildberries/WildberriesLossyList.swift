/// A JSON array whose elements are decoded one by one: an element that cannot be read becomes
/// nil instead of failing the page, so offsets (which count every element) stay right.
struct WildberriesLossyList<Element: Decodable>: Decodable {
    var elements: [Element?]

    init(elements: [Element?] = []) {
        self.elements = elements
    }

    init(from decoder: Decoder) throws {
        var container = try decoder.unkeyedContainer()
        var elements: [Element?] = []
        while !container.isAtEnd {
            if let element = try? container.decode(Element.self) {
                elements.append(element)
            } else {
                _ = try? container.decode(WildberriesScalar.self)
                elements.append(nil)
            }
        }
        self.elements = elements
    }
}

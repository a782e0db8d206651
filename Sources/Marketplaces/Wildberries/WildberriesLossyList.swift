import Connectors

/// A JSON array whose elements are read one by one: an element that cannot be read becomes
/// nil instead of failing the page, so offsets (which count every element) stay right.
struct WildberriesLossyList<Element: JSONReadable>: JSONReadable {
    var elements: [Element?]

    init(elements: [Element?] = []) {
        self.elements = elements
    }

    init(json: JSONElement) throws(JSONReadError) {
        var elements: [Element?] = []
        elements.reserveCapacity(json.count)
        try json.elements { element in elements.append(try? Element(json: element)) }
        self.elements = elements
    }
}

import Connectors

/// A 64-bit Ozon id (message ids, sku, chat ids) read without passing through `Double`: a JSON
/// string is taken as it is, a JSON number as an exact 64-bit integer. Message ids (≈3.0e18)
/// exceed 2^53, where a `Double` would silently change them.
struct OzonID: JSONReadable, Sendable, Hashable, CustomStringConvertible {
    let text: String

    init(_ text: String) {
        self.text = text
    }

    init(json: JSONElement) throws(JSONReadError) {
        if json.isString {
            text = try json.string()
        } else if let value = try? json.uint64() {
            text = String(value)
        } else {
            text = String(try json.int64())
        }
    }

    /// The id as an unsigned integer, when it is one.
    var unsigned: UInt64? { UInt64(text) }

    var description: String { text }
}

/// A 64-bit Ozon id (message ids, sku, chat ids) decoded without passing through `Double`: a JSON
/// string is taken as it is, a JSON number as an exact 64-bit integer. Message ids (≈3.0e18)
/// exceed 2^53, where a `Double` would silently change them.
struct OzonID: Decodable, Sendable, Hashable, CustomStringConvertible {
    let text: String

    init(_ text: String) {
        self.text = text
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self.text = text
        } else if let value = try? container.decode(UInt64.self) {
            text = String(value)
        } else {
            text = String(try container.decode(Int64.self))
        }
    }

    /// The id as an unsigned integer, when it is one.
    var unsigned: UInt64? { UInt64(text) }

    var description: String { text }
}

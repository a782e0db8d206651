/// A count or rating that protobuf JSON may write as a number or, for 64-bit fields, as a string.
struct OzonInt: Decodable, Sendable, Hashable {
    let value: Int

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int.self) {
            self.value = value
        } else if let text = try? container.decode(String.self), let value = Int(text) {
            self.value = value
        } else {
            value = Int(try container.decode(Double.self))
        }
    }
}

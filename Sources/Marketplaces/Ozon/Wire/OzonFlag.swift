/// A boolean that may arrive as `true` or as the string `"true"` (the official `/v3/chat/list`
/// example writes `has_next: "true"`).
struct OzonFlag: Decodable, Sendable, Hashable {
    let value: Bool

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) {
            self.value = value
        } else if let text = try? container.decode(String.self) {
            value = text.caseInsensitiveCompare("true") == .orderedSame || text == "1"
        } else {
            value = try container.decode(Int.self) != 0
        }
    }
}

import Connectors

/// A boolean that may arrive as `true`, as the string `"true"` (the official `/v3/chat/list`
/// example writes `has_next: "true"`) or `"1"`, or as a number (non-zero is true).
struct OzonFlag: JSONReadable, Sendable, Hashable {
    let value: Bool

    init(json: JSONElement) throws(JSONReadError) {
        if json.isBool {
            value = try json.bool()
        } else if json.isString {
            let text = try json.string()
            value = text.lowercased() == "true" || text == "1"
        } else {
            value = try json.int() != 0
        }
    }
}

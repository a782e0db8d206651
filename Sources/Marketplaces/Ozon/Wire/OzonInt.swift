import Connectors

/// A count or rating that protobuf JSON may write as a number or, for 64-bit fields, as a string.
/// A fractional number is cut to its integer part; one beyond `Int` fails the read.
struct OzonInt: JSONReadable, Sendable, Hashable {
    let value: Int

    init(json: JSONElement) throws(JSONReadError) {
        if json.isString {
            guard let value = Int(try json.string()) else { throw .notAnInteger(expected: "an integer in a string") }
            self.value = value
        } else if let value = try? json.int() {
            self.value = value
        } else {
            guard let value = Int(exactly: try json.double().rounded(.towardZero)) else {
                throw .notAnInteger(expected: "a number that fits Int")
            }
            self.value = value
        }
    }
}

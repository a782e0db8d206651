/// The values a route pattern's `{parameters}` captured, percent-decoded.
public struct RouteParameters: Sendable {
    var values: [(name: String, value: String)] = []

    /// No parameters: what a context holds before routing.
    public init() {}

    /// The decoded value of the parameter `{name}`; nil when the route has none by that name.
    public subscript(name: String) -> String? {
        values.first { $0.name == name }?.value
    }

    /// Percent-decodes one path segment; nil when an escape is malformed or the result is not
    /// UTF-8, or when it decodes to something that could change the path's meaning (`/`, NUL).
    static func percentDecoded(_ bytes: ArraySlice<UInt8>) -> String? {
        PercentDecoding.decode(bytes, plusIsSpace: false) { $0 == 0 || $0 == UInt8(ascii: "/") }
    }
}

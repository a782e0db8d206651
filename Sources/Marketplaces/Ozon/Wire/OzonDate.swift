import Connectors

/// An Ozon instant, parsed by `FlexibleDate` from whatever form it comes in (RFC 3339 with milli-
/// or microseconds, an offset, unix digits); an empty or unreadable date reads as nil rather
/// than failing the whole answer.
struct OzonDate: JSONReadable, Sendable, Hashable {
    let timestamp: Timestamp?

    /// Stands in for a date the upstream left out or wrote unreadably: the Unix epoch.
    static let missing = Timestamp(millisecondsSinceEpoch: 0)

    init(json: JSONElement) throws(JSONReadError) {
        if json.isString {
            timestamp = try json.withStringUTF8 { FlexibleDate.parse(utf8: $0) }
        } else if let value = try? json.int64() {
            timestamp = FlexibleDate.unix(value)
        } else {
            timestamp = nil
        }
    }
}

import Connectors

/// An Ozon instant, parsed by `FlexibleDate` from whatever form it comes in (RFC 3339 with milli-
/// or microseconds, an offset, unix digits); an empty or unreadable date decodes as nil rather
/// than failing the whole answer.
struct OzonDate: Decodable, Sendable, Hashable {
    let timestamp: Timestamp?

    /// Stands in for a date the upstream left out or wrote unreadably: the Unix epoch.
    static let missing = Timestamp(millisecondsSinceEpoch: 0)

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            timestamp = FlexibleDate.parse(text)
        } else if let value = try? container.decode(Int64.self) {
            timestamp = FlexibleDate.unix(value)
        } else {
            timestamp = nil
        }
    }
}

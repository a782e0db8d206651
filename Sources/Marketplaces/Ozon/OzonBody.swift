import Connectors

/// A request body for the Seller API: a `JSONValue`, whose numbers are kept as text, so a 64-bit
/// message id is written as its digits, never through `Double`; keys come out sorted, so equal
/// requests are equal bytes.
typealias OzonBody = JSONValue

extension OzonBody {
    static func int(_ value: Int64) -> OzonBody { .number(JSONNumber(value)) }
    static func uint(_ value: UInt64) -> OzonBody { .number(JSONNumber(value)) }

    /// The body's bytes. Written by hand: `JSONEncoder` cost more than the rest of building a
    /// list call's request.
    var bytes: [UInt8] { json() }
}

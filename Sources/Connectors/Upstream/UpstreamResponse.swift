import Foundation

/// What an upstream answered: status, header fields (names lower-cased) and the whole body.
public struct UpstreamResponse: Sendable {
    public var status: Int
    /// Field name (lower case) → value; repeated fields are joined with ", ".
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { "\($0), \($1)" })
        self.body = body
    }

    /// The value of a header field, by case-insensitive name.
    public func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }

    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The body as text, for error messages; cut to `limit` characters.
    public func bodyText(limit: Int = 300) -> String {
        String(decoding: body.prefix(limit * 4), as: UTF8.self).prefix(limit).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

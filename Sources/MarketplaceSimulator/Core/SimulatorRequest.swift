import Foundation
import HTTP

/// A request as a simulated upstream sees it: method, decoded path and query, header lookup and
/// the body, with JSON helpers. Built from the server's `HTTPRequest`.
public struct SimulatorRequest: Sendable {
    /// The method as sent.
    public var method: String
    /// The path, percent-decoded, without the query.
    public var path: String
    /// Query parameters, percent-decoded; a repeated name keeps its last value.
    public var query: [String: String]
    /// The header fields in order of arrival.
    public var headers: [(name: String, value: String)]
    /// The body, decoded from chunked framing when it was chunked.
    public var body: Data

    /// A request as given, for calling a host directly in tests.
    public init(method: String, path: String, query: [String: String] = [:],
                headers: [(name: String, value: String)] = [], body: Data = Data()) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The server's request as a host sees it: path and query percent-decoded (`+` in the query as a space).
    public init(_ request: HTTPRequest) {
        method = request.method.rawValue
        path = request.path.removingPercentEncoding ?? request.path
        var query: [String: String] = [:]
        for pair in (request.query ?? "").split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(parts[0])
            let value = parts.count > 1
                ? (String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(parts[1]))
                : ""
            query[name] = value
        }
        self.query = query
        headers = request.headers.map { (name: $0.name, value: $0.value) }
        body = Data(request.body)
    }

    /// The first value of a header field, by case-insensitive name.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// The body parsed as a JSON object, or nil when it is not one.
    public func jsonObject() -> [String: Any]? {
        guard !body.isEmpty else { return nil }
        return (try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])) as? [String: Any]
    }
}

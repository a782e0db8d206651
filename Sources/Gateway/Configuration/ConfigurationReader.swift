import Connectors
import Foundation

/// Reads one JSON object of the configuration, remembering the path to each field so every
/// error names exactly what is wrong and where.
struct ConfigurationReader {
    let value: JSONValue
    let path: String

    init(_ value: JSONValue, path: String) {
        self.value = value
        self.path = path
    }

    private var members: [String: JSONValue] {
        if case .object(let members) = value { return members }
        return [:]
    }

    private func child(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    /// Whether the file gives `name` a value.
    func gives(_ name: String) -> Bool { members[name] != nil }

    /// Refuses a member not in `names`, and a null anywhere: a setting is given a value or left
    /// out for its default (a null that quietly meant "the default" left, say, a tenant's
    /// credentials unconfigured with nothing said).
    func allowOnly(_ names: Set<String>) throws(ConfigurationError) {
        guard case .object(let members) = value else { throw ConfigurationError(path, "must be an object") }
        if let unknown = members.keys.sorted().first(where: { !names.contains($0) }) {
            // At most 40 characters of it: a key may be anything, a pasted secret included.
            throw ConfigurationError(child(unknown.count > 40 ? String(unknown.prefix(40)) + "…" : unknown), "is not a known setting (known: \(names.sorted().joined(separator: ", ")))")
        }
        if let null = members.keys.sorted().first(where: { members[$0] == .null }) {
            throw ConfigurationError(child(null), "is null: give it a value, or leave it out for its default")
        }
    }

    func object(_ name: String) throws(ConfigurationError) -> ConfigurationReader? {
        switch members[name] {
        case nil, .null?: return nil
        case .object?: return ConfigurationReader(members[name]!, path: child(name))
        default: throw ConfigurationError(child(name), "must be an object")
        }
    }

    func array(_ name: String) throws(ConfigurationError) -> [ConfigurationReader]? {
        switch members[name] {
        case nil, .null?: return nil
        case .array(let elements)?:
            return elements.enumerated().map { ConfigurationReader($0.element, path: "\(child(name))[\($0.offset)]") }
        default: throw ConfigurationError(child(name), "must be an array")
        }
    }

    func string(_ name: String) throws(ConfigurationError) -> String? {
        switch members[name] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw ConfigurationError(child(name), "must be a string")
        }
    }

    func number(_ name: String, in range: ClosedRange<Double>) throws(ConfigurationError) -> Double? {
        switch members[name] {
        case nil, .null?: return nil
        case .number(let number)? where range.contains(number.double): return number.double
        default: throw ConfigurationError(child(name), "must be a number from \(Self.written(range.lowerBound)) to \(Self.written(range.upperBound))")
        }
    }

    /// A bound as the README writes it: 1000000, not 1000000.0.
    private static func written(_ bound: Double) -> String {
        bound == bound.rounded() && abs(bound) < 1e15 ? String(Int64(bound)) : "\(bound)"
    }

    func integer(_ name: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
        switch members[name] {
        case nil, .null?: return nil
        case .number(let number)? where number.int64.map { range.contains(Int($0)) } == true:
            return Int(number.int64!)
        default: throw ConfigurationError(child(name), "must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
    }

    func url(_ name: String) throws(ConfigurationError) -> URL? {
        guard let text = try string(name) else { return nil }
        // Foundation takes "http://host/x " and would send "/x%20/…" to the marketplace.
        guard text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw ConfigurationError(child(name), "must be an http or https URL without spaces or other characters to escape")
        }
        // Nor a `%` that starts no escape: Foundation would escape it and send "%25zz".
        guard PercentDecoding.escapesAreWhole(text.utf8) else {
            throw ConfigurationError(child(name), "has a % not followed by two hex digits; write a percent sign as %25")
        }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              url.host?.isEmpty == false else {
            throw ConfigurationError(child(name), "must be an http or https URL")
        }
        // Credentials in a URL would reach logs and error messages; a query or fragment has no
        // place to go, as every call sets its own.
        guard url.user == nil, url.password == nil, url.query == nil, url.fragment == nil else {
            throw ConfigurationError(child(name), "must be scheme, host, port and path only: no user, password, query or fragment")
        }
        // A port out of range would wrap to another one, where the tenant's credentials would go.
        if let port = url.port, !(1...65535).contains(port) {
            throw ConfigurationError(child(name), "has port \(port); a port is 1 to 65535")
        }
        // Foundation gives no port at all for one past Int's range, nor for an empty one (a
        // `${PORT}` set empty), and the client would then call the scheme's own.
        if url.port == nil, let written = Self.writtenPort(text) {
            if written.isEmpty {
                throw ConfigurationError(child(name), "has a colon but no port after it; give a port 1 to 65535, or no colon for the scheme's own")
            }
            throw ConfigurationError(child(name), "has port \(written.prefix(24)); a port is 1 to 65535")
        }
        return url
    }

    /// The port as `text`, an absolute URL, writes it (empty after a bare colon), or nil when its
    /// authority has none.
    static func writtenPort(_ text: String) -> Substring? {
        guard let start = text.range(of: "://")?.upperBound else { return nil }
        let authority = text[start...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostEnd = authority.hasPrefix("[") ? (authority.firstIndex(of: "]") ?? authority.endIndex) : authority.startIndex
        guard let colon = authority[hostEnd...].lastIndex(of: ":") else { return nil }
        return authority[authority.index(after: colon)...]
    }
}

import Connectors

/// Replaces `${NAME}` in configuration text with the environment's value, so secrets stay out of
/// the file. `$${` is a literal `${`. An unset variable is an error naming it, not an empty string.
public enum EnvironmentExpansion {
    public static func expand(_ text: String, environment: [String: String]) throws(ConfigurationError) -> String {
        var out = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            out += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            if after.hasPrefix("${") {
                out += "${"
                rest = after.dropFirst(2)
                continue
            }
            guard after.hasPrefix("{"), let close = after.firstIndex(of: "}") else {
                out += "$"
                rest = after
                continue
            }
            let name = String(after[after.index(after: after.startIndex)..<close])
            guard !name.isEmpty, name.utf8.allSatisfy({ $0 == UInt8(ascii: "_") || ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) }) else {
                throw ConfigurationError("", "\"${\(name.prefix(40))}\" is not a valid variable reference")
            }
            guard let value = environment[name] else {
                throw ConfigurationError("", "environment variable \(name) is referenced but not set")
            }
            out += jsonEscaped(value)
            rest = after[after.index(after: close)...]
        }
        out += rest
        return out
    }

    /// Values land inside JSON strings: escaped as a JSON string, without its quotes.
    private static func jsonEscaped(_ value: String) -> String {
        var bytes: [UInt8] = []
        JSONBytes.appendString(value, to: &bytes)
        return String(decoding: bytes.dropFirst().dropLast(), as: UTF8.self)
    }
}

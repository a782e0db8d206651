import Connectors

/// Replaces `${NAME}` in configuration text with the environment's value, so secrets stay out of
/// the file. `$${` is a literal `${`. An unset variable is an error naming it, not an empty string.
public enum EnvironmentExpansion {
    /// `text` with every `${NAME}` replaced by `environment[NAME]`, escaped to sit inside a JSON
    /// string (so a reference belongs between quotes). Throws naming the variable and its line for
    /// an unset variable or a malformed reference, never quoting the text after it.
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
            guard after.hasPrefix("{") else {
                out += "$"
                rest = after
                continue
            }
            // The name runs as far as name characters go; anything else before the `}` (or no
            // `}` at all) is an error that quotes only the name: the text after it may be a secret.
            let nameStart = after.index(after: after.startIndex)
            let nameEnd = after[nameStart...].firstIndex { !Self.isNameCharacter($0) } ?? after.endIndex
            let name = String(after[nameStart..<nameEnd])
            guard !name.isEmpty, nameEnd < after.endIndex, after[nameEnd] == "}" else {
                let line = text[..<dollar].utf8.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
                throw ConfigurationError("", "\(Self.shown(name, opening: "\"${", closing: "\"")) on line \(line) is not a valid variable reference: ${ takes a name of letters, digits and _, then }")
            }
            let close = nameEnd
            guard let value = environment[name] else {
                let line = text[..<dollar].utf8.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
                throw ConfigurationError("", "environment variable \(Self.shown(name, opening: "", closing: "")) is referenced on line \(line) but not set")
            }
            out += jsonEscaped(value)
            rest = after[after.index(after: close)...]
        }
        out += rest
        return out
    }

    /// The name as the error quotes it: only one written as environment variables are named
    /// (upper-case letters, digits and `_`, at most 64), as a `${` typed inside a secret written
    /// into the file would otherwise quote the secret's next characters as the "name".
    private static func shown(_ name: String, opening: String, closing: String) -> String {
        let conventional = !name.isEmpty && name.utf8.count <= 64 && name.utf8.allSatisfy { byte in
            byte == UInt8(ascii: "_") || (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A)
        }
        return conventional ? opening + name + closing : "a reference (its name not shown: not in upper case, it may be part of a secret)"
    }

    private static func isNameCharacter(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue else { return false }
        return ascii == UInt8(ascii: "_") || (ascii >= 0x30 && ascii <= 0x39) || (ascii | 0x20 >= 0x61 && ascii | 0x20 <= 0x7A)
    }

    /// Values land inside JSON strings: escaped as a JSON string, without its quotes.
    private static func jsonEscaped(_ value: String) -> String {
        var bytes: [UInt8] = []
        JSONBytes.appendString(value, to: &bytes)
        return String(decoding: bytes.dropFirst().dropLast(), as: UTF8.self)
    }
}

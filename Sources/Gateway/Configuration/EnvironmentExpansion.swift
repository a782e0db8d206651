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
        // Whether the text so far leaves a JSON string open: a reference outside quotes stands
        // for a number (or `true`, `false`), and an empty or other value there is named here
        // rather than left to a JSON syntax error that names neither it nor its setting.
        var quotes = QuoteState()
        while let dollar = rest.firstIndex(of: "$") {
            quotes.scan(rest[..<dollar])
            out += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            if after.hasPrefix("${") {
                quotes.scan("${")
                out += "${"
                rest = after.dropFirst(2)
                continue
            }
            guard after.hasPrefix("{") else {
                quotes.scan("$")
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
                let line = Self.line(of: dollar, in: text)
                throw ConfigurationError("", "\(Self.shown(name, opening: "\"${", closing: "\"")) on line \(line) is not a valid variable reference: ${ takes a name of letters, digits and _, then }")
            }
            let close = nameEnd
            guard let value = environment[name] else {
                let line = Self.line(of: dollar, in: text)
                guard Self.isConventional(name) else {
                    throw ConfigurationError("", "a ${…} on line \(line) names an environment variable that is not set (the name not shown: not in upper case,"
                                             + " it may be part of a secret; a literal ${ is written $${)")
                }
                throw ConfigurationError("", "environment variable \(name) is referenced on line \(line) but not set")
            }
            if !quotes.inString, !Self.isBareValue(value) {
                let line = Self.line(of: dollar, in: text)
                let holds = value.isEmpty ? "is empty" : "holds no JSON number, true or false (its value not shown)"
                let shown = String(name.prefix(64))
                throw ConfigurationError("", "environment variable \(shown), outside quotes on line \(line), \(holds):"
                                         + " a number setting needs digits there, and a text one \"${\(shown)}\" in quotes")
            }
            // Followed as written: the value's escapes keep the string open, and a `\` left
            // before the reference is spent on the value's first character, as the JSON reader
            // will spend it.
            let escaped = jsonEscaped(value)
            quotes.scan(Substring(escaped))
            out += escaped
            rest = after[after.index(after: close)...]
        }
        out += rest
        return out
    }

    /// The name as the error quotes it: only one written as environment variables are named
    /// (upper-case letters, digits and `_`, at most 64), as a `${` typed inside a secret written
    /// into the file would otherwise quote the secret's next characters as the "name".
    private static func shown(_ name: String, opening: String, closing: String) -> String {
        isConventional(name) ? opening + name + closing : "a reference (its name not shown: not in upper case, it may be part of a secret)"
    }

    /// The line `index` is on in `text`, counted from 1.
    private static func line(of index: String.Index, in text: String) -> Int {
        text[..<index].utf8.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
    }

    private static func isConventional(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64 && name.utf8.allSatisfy { byte in
            byte == UInt8(ascii: "_") || (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A)
        }
    }

    /// A value that stands in JSON outside quotes as it is: a number in JSON's own form, `true`
    /// or `false`.
    static func isBareValue(_ value: String) -> Bool {
        if value == "true" || value == "false" { return true }
        var bytes = value.utf8[...]
        func digits() -> Int {
            let count = bytes.prefix { $0 >= 0x30 && $0 <= 0x39 }.count
            bytes = bytes.dropFirst(count)
            return count
        }
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        let whole = bytes.first
        let wholeDigits = digits()
        guard wholeDigits > 0, whole != UInt8(ascii: "0") || wholeDigits == 1 else { return false }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            guard digits() > 0 else { return false }
        }
        if let e = bytes.first, e | 0x20 == UInt8(ascii: "e") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return bytes.isEmpty
    }

    /// Follows the configuration text's JSON strings (their quotes and escapes) as it is read in
    /// pieces.
    private struct QuoteState {
        private(set) var inString = false
        private var escaped = false

        mutating func scan(_ text: Substring) {
            for byte in text.utf8 {
                if escaped {
                    escaped = false
                } else if inString, byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString.toggle()
                }
            }
        }
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

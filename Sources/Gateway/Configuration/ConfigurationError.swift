/// Why a configuration cannot be used: the field (a dotted path such as `tenants[0].rate_limit.burst`)
/// and what is wrong with it. The executable prints it and exits with status 2.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The dotted path of the offending field; empty when the error is about the whole text.
    public var field: String
    /// What is wrong, and what to write instead where that helps; values that may be secrets
    /// are not quoted.
    public var problem: String

    /// An error about `field` (empty for the whole file).
    public init(_ field: String, _ problem: String) {
        self.field = Self.printable(field)
        self.problem = Self.printable(problem)
    }

    /// `name` with control characters written as JSON escapes: a field's path, and at times its
    /// problem, hold text from the file or the environment, and go to the operator's terminal
    /// and logs, where an escape sequence would act.
    public static func printable(_ name: String) -> String {
        guard name.unicodeScalars.contains(where: isControl) else { return name }
        var text = ""
        for scalar in name.unicodeScalars {
            if isControl(scalar) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        return text
    }

    /// `value` as a message quotes it: printable, in quotes, and cut to `limit` characters (an
    /// environment variable can be of any length).
    public static func quoted(_ value: String, limit: Int = 60) -> String {
        "\"" + printable(String(value.prefix(limit))) + (value.count > limit ? "…" : "") + "\""
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool { scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) }

    public var description: String { field.isEmpty ? problem : "\(field): \(problem)" }
}

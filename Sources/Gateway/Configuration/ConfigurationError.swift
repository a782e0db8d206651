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
        self.field = field
        self.problem = problem
    }

    public var description: String { field.isEmpty ? problem : "\(field): \(problem)" }
}

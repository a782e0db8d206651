import Gateway

/// A command line that cannot be followed; printed with the usage, exit status 2. Its words
/// quote the arguments, whose control characters are escaped (`ConfigurationError.printable`)
/// so that none acts in the operator's terminal.
struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = ConfigurationError.printable(description) }
}

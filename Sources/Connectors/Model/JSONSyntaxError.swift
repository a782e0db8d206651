/// Why a text is not JSON, and where: enough for a client to find the mistake in its body.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Zero-based byte offset of the first byte that could not be read.
    public var offset: Int
    /// What was expected or wrong there, e.g. `expected ':' after an object key`.
    public var reason: String

    /// `offset` counts bytes from the start of the text; `reason` is shown to clients as it is.
    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "\(reason) at byte \(offset)" }
}

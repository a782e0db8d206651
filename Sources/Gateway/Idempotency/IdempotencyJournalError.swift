import Glibc

/// Why the idempotency journal (`idempotency.journal`) could not be opened, read or written.
/// At start-up it stops the gateway (exit 2, the field named); later, a failed write fails the
/// keyed request that needed it before anything is sent upstream.
public struct IdempotencyJournalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The journal's path.
    public var path: String
    /// What went wrong, in words an operator can act on.
    public var problem: String
    /// The system's error number, when a call failed.
    public var errorNumber: Int32?

    /// An error about the journal at `path`.
    public init(path: String, problem: String, errorNumber: Int32? = nil) {
        self.path = path
        self.problem = problem
        self.errorNumber = errorNumber
    }

    /// A failed system call: `what` was being done, `code` is its errno.
    static func system(_ what: String, path: String, code: Int32) -> Self {
        Self(path: path, problem: "\(what): \(String(cString: strerror(code))) (errno \(code))", errorNumber: code)
    }

    /// The path and the problem, as start-up prints them.
    public var description: String { "\(path): \(problem)" }
}

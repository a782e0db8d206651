import Glibc

/// A system call failed. Carries the call and `errno` so the message says what went wrong.
public struct IOError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The failing call, e.g. "bind" or "epoll_ctl".
    public var operation: String
    /// The `errno` the call left, as `strerror` and the `E…` constants name it.
    public var errno: Int32

    /// An error of `operation`, for code that has the `errno` already.
    public init(_ operation: String, errno: Int32) {
        self.operation = operation
        self.errno = errno
    }

    /// The error of the call that just failed on this thread.
    static func last(_ operation: String) -> IOError {
        IOError(operation, errno: Glibc.errno)
    }

    public var description: String {
        "\(operation) failed: \(String(cString: strerror(errno))) (errno \(errno))"
    }
}

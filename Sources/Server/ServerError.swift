/// Why the server could not start or run.
public enum ServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The listen address cannot be used as given.
    case invalidAddress(String)
    /// A configuration value is out of range; names the field.
    case invalidConfiguration(field: String, reason: String)
    /// A system call failed while setting up (socket, bind, listen, epoll, eventfd, thread).
    case system(IOError)
    /// `start()` was called twice.
    case alreadyStarted
    /// `start()` after `stop()`, or racing it: a stopped server takes nothing new; make another.
    case stopped

    public var description: String {
        switch self {
        case .invalidAddress(let why): "invalid listen address: \(why)"
        case .invalidConfiguration(let field, let reason): "invalid server configuration: \(field): \(reason)"
        case .system(let error): error.description
        case .alreadyStarted: "the server is already started"
        case .stopped: "the server was stopped; a new one must be made to serve again"
        }
    }
}

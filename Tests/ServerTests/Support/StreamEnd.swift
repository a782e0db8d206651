/// How `readUntilClose()` ended.
enum StreamEnd: Equatable, Sendable {
    /// Orderly close: recv returned 0.
    case eof
    /// ECONNRESET.
    case reset
    /// Nothing arrived for the whole receive timeout: the server kept the connection open.
    case timedOut
    case failed(Int32)
}

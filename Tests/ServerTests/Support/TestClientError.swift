import Glibc

/// Why a `TestClient` call gave up.
enum TestClientError: Error, CustomStringConvertible {
    case connectFailed(errno: Int32)
    case sendFailed(errno: Int32)
    case receiveFailed(errno: Int32)
    /// Nothing arrived within the receive timeout.
    case timedOut(buffered: Int)
    /// The server closed (FIN) before a whole response arrived.
    case closedEarly(buffered: Int)
    /// The server reset the connection before a whole response arrived.
    case reset(buffered: Int)
    case malformedResponse(String)

    var description: String {
        switch self {
        case .connectFailed(let e): "connect failed: \(String(cString: strerror(e)))"
        case .sendFailed(let e): "send failed: \(String(cString: strerror(e)))"
        case .receiveFailed(let e): "recv failed: \(String(cString: strerror(e)))"
        case .timedOut(let n): "no data within the receive timeout (\(n) bytes buffered)"
        case .closedEarly(let n): "connection closed before a whole response (\(n) bytes buffered)"
        case .reset(let n): "connection reset before a whole response (\(n) bytes buffered)"
        case .malformedResponse(let why): "malformed response: \(why)"
        }
    }
}

/// A request method. Common methods are cases so that routing compares integers, not strings;
/// any other valid token is kept as `.other` (routers answer those with 405 or 501).
public enum HTTPMethod: Sendable, Hashable, CustomStringConvertible {
    case get, head, post, put, delete, patch, options, trace, connect, query
    case other(String)

    /// The method token exactly as sent on the wire (methods are case-sensitive).
    public var rawValue: String {
        switch self {
        case .get: "GET"
        case .head: "HEAD"
        case .post: "POST"
        case .put: "PUT"
        case .delete: "DELETE"
        case .patch: "PATCH"
        case .options: "OPTIONS"
        case .trace: "TRACE"
        case .connect: "CONNECT"
        case .query: "QUERY"
        case .other(let token): token
        }
    }

    public var description: String { rawValue }

    /// Creates a method from its token. The caller has checked that the bytes are a valid token.
    public init(token bytes: UnsafeRawBufferPointer) {
        switch bytes.count {
        case 3:
            if Self.equal(bytes, "GET") { self = .get; return }
            if Self.equal(bytes, "PUT") { self = .put; return }
        case 4:
            if Self.equal(bytes, "POST") { self = .post; return }
            if Self.equal(bytes, "HEAD") { self = .head; return }
        case 5:
            if Self.equal(bytes, "PATCH") { self = .patch; return }
            if Self.equal(bytes, "TRACE") { self = .trace; return }
            if Self.equal(bytes, "QUERY") { self = .query; return }
        case 6:
            if Self.equal(bytes, "DELETE") { self = .delete; return }
        case 7:
            if Self.equal(bytes, "OPTIONS") { self = .options; return }
            if Self.equal(bytes, "CONNECT") { self = .connect; return }
        default:
            break
        }
        self = .other(String(decoding: bytes, as: UTF8.self))
    }

    /// Creates a method from its token; `GET` becomes `.get`, anything else that is not a
    /// known method becomes `.other`.
    public init(_ token: String) {
        var token = token
        self = token.withUTF8 { HTTPMethod(token: UnsafeRawBufferPointer($0)) }
    }

    private static func equal(_ bytes: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        literal.withUTF8Buffer { lit in
            lit.count == bytes.count && memcmpEqual(bytes.baseAddress!, UnsafeRawPointer(lit.baseAddress!), lit.count)
        }
    }
}

@inline(__always)
func memcmpEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
    var i = 0
    while i < count {
        if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
        i += 1
    }
    return true
}

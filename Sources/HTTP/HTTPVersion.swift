/// An HTTP/1.x protocol version as it appeared on the request line.
///
/// Any 1.x minor above 1 is answered as HTTP/1.1, so callers normally only ask `isHTTP11OrLater`.
public struct HTTPVersion: Sendable, Hashable, CustomStringConvertible {
    /// 1 for every message the parsers accept; the request parser refuses other majors with 505.
    public var major: UInt8
    /// 0 or 1 in practice; any higher minor gets HTTP/1.1 semantics.
    public var minor: UInt8

    /// A version from its two digits.
    public init(major: UInt8, minor: UInt8) {
        self.major = major
        self.minor = minor
    }

    /// HTTP/1.0: connections close after each response unless the client asks for keep-alive.
    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    /// HTTP/1.1, what responses are sent as.
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)

    /// True for 1.1 and later 1.x minors, which get 1.1 semantics (keep-alive by default, Host required).
    public var isHTTP11OrLater: Bool { major > 1 || (major == 1 && minor >= 1) }

    public var description: String { "HTTP/\(major).\(minor)" }
}

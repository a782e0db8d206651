/// An HTTP/1.x protocol version as it appeared on the request line.
///
/// Any 1.x minor above 1 is answered as HTTP/1.1, so callers normally only ask `isHTTP11OrLater`.
public struct HTTPVersion: Sendable, Hashable, CustomStringConvertible {
    public var major: UInt8
    public var minor: UInt8

    public init(major: UInt8, minor: UInt8) {
        self.major = major
        self.minor = minor
    }

    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)

    /// True for 1.1 and later 1.x minors, which get 1.1 semantics (keep-alive by default, Host required).
    public var isHTTP11OrLater: Bool { major > 1 || (major == 1 && minor >= 1) }

    public var description: String { "HTTP/\(major).\(minor)" }
}

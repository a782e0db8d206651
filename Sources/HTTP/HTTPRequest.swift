/// A complete request as handed to a handler: the head's bytes and the body in one array, with
/// every part addressed by range. Reading a part as a String copies it; reading it as bytes does not.
public struct HTTPRequest: Sendable {
    /// The method from the request line.
    public let method: HTTPMethod
    /// The version from the request line (HTTP/1.0 or 1.x).
    public let version: HTTPVersion
    /// Whether the client lets the connection carry another request after this one.
    public let keepAlive: Bool
    /// Message bytes: the head as received, then the (decoded) body.
    let storage: [UInt8]
    let targetRange: Range<Int>
    let bodyRange: Range<Int>
    /// Header fields in arrival order.
    public let headers: HTTPRequestHeaders

    /// Wraps bytes a parser has delimited. `storage` holds the head from offset 0 and the body at `bodyRange`.
    public init(head: RequestHead, storage: [UInt8], bodyRange: Range<Int>) {
        self.method = head.method
        self.version = head.version
        self.keepAlive = head.keepAlive
        self.storage = storage
        self.targetRange = head.target
        self.bodyRange = bodyRange
        self.headers = HTTPRequestHeaders(storage: storage, spans: head.fields)
    }

    /// Builds a request without a socket, for driving handlers and routers in tests and in-process.
    public init(
        method: HTTPMethod, target: String, headers: [(String, String)] = [],
        body: [UInt8] = [], version: HTTPVersion = .http1_1
    ) {
        var bytes: [UInt8] = []
        bytes.append(contentsOf: method.rawValue.utf8)
        bytes.append(ASCII.sp)
        let targetStart = bytes.count
        bytes.append(contentsOf: target.utf8)
        let targetEnd = bytes.count
        bytes.append(contentsOf: " \(version)\r\n".utf8)
        var spans: [FieldSpan] = []
        var close = false, keepAliveToken = false
        for (name, value) in headers {
            let nameStart = bytes.count
            bytes.append(contentsOf: name.utf8)
            let nameEnd = bytes.count
            bytes.append(contentsOf: ": ".utf8)
            let valueStart = bytes.count
            bytes.append(contentsOf: value.utf8)
            spans.append(FieldSpan(nameStart: nameStart, nameEnd: nameEnd, valueStart: valueStart, valueEnd: bytes.count))
            bytes.append(contentsOf: "\r\n".utf8)
            if name.lowercased() == "connection" {
                for token in value.lowercased().split(separator: ",") {
                    let token = token.trimmingOWS()
                    if token == "close" { close = true }
                    if token == "keep-alive" { keepAliveToken = true }
                }
            }
        }
        bytes.append(contentsOf: "\r\n".utf8)
        let bodyStart = bytes.count
        bytes.append(contentsOf: body)
        self.method = method
        self.version = version
        self.keepAlive = version.isHTTP11OrLater ? !close : (keepAliveToken && !close)
        self.storage = bytes
        self.targetRange = targetStart..<targetEnd
        self.bodyRange = bodyStart..<bytes.count
        self.headers = HTTPRequestHeaders(storage: bytes, spans: spans)
    }

    /// The request target exactly as sent (origin-form `/path?query`, or absolute-form).
    public var targetBytes: ArraySlice<UInt8> { storage[targetRange] }
    /// `targetBytes` as a String (a copy; invalid UTF-8 replaced).
    public var target: String { String(decoding: targetBytes, as: UTF8.self) }

    /// The path component, still percent-encoded. For an absolute-form target, the part after
    /// the authority (`/` when it has none).
    public var pathBytes: ArraySlice<UInt8> {
        var start = targetRange.lowerBound
        let end = targetRange.upperBound
        if storage[start] != UInt8(ascii: "/"), storage[start] != UInt8(ascii: "*") {
            // absolute-form: skip "scheme://authority"
            var i = start
            while i + 2 < end, !(storage[i] == UInt8(ascii: ":") && storage[i + 1] == UInt8(ascii: "/") && storage[i + 2] == UInt8(ascii: "/")) { i += 1 }
            i += 3
            while i < end, storage[i] != UInt8(ascii: "/"), storage[i] != UInt8(ascii: "?") { i += 1 }
            if i >= end || storage[i] != UInt8(ascii: "/") { return Self.slash[...] }
            start = i
        }
        var i = start
        while i < end, storage[i] != UInt8(ascii: "?"), storage[i] != UInt8(ascii: "#") { i += 1 }
        return storage[start..<i]
    }

    /// `pathBytes` as a String, still percent-encoded (a copy).
    public var path: String { String(decoding: pathBytes, as: UTF8.self) }

    /// The query component without its `?`, or nil when the target has none.
    public var queryBytes: ArraySlice<UInt8>? {
        guard let q = storage[targetRange].firstIndex(of: UInt8(ascii: "?")) else { return nil }
        var end = q + 1
        while end < targetRange.upperBound, storage[end] != UInt8(ascii: "#") { end += 1 }
        return storage[(q + 1)..<end]
    }

    /// `queryBytes` as a String, still percent-encoded; nil without a `?`.
    public var query: String? { queryBytes.map { String(decoding: $0, as: UTF8.self) } }

    /// The body, decoded from chunked framing if it was chunked.
    public var body: ArraySlice<UInt8> { storage[bodyRange] }

    private static let slash: [UInt8] = [UInt8(ascii: "/")]
}

/// Reads the head of an HTTP/1.x response (RFC 9112 §4–6) out of the bytes received so far.
///
/// It is handed the whole unread input each time more arrives and either finds a complete head
/// (status line, field lines, empty line) or says more is needed. Line endings may be CRLF or a
/// bare LF (RFC 9112 §2.2 lets a recipient accept it). It refuses whatever could make the client
/// and the server disagree about where the body ends: a malformed or conflicting
/// `Content-Length`, a transfer coding other than a final `chunked`, obsolete line folding.
public struct ResponseHeadParser: Sendable {
    /// The longest head accepted, status line and fields together.
    public var maxHeadLength: Int
    /// The most field lines accepted; more is `tooManyFields`.
    public var maxFieldCount: Int

    /// A parser with the client's limits; it keeps no state between calls.
    public init(maxHeadLength: Int = 64 * 1024, maxFieldCount: Int = 200) {
        self.maxHeadLength = maxHeadLength
        self.maxFieldCount = maxFieldCount
    }

    /// The head at the start of `input` and the number of bytes it took, or nil when the empty
    /// line that ends it has not arrived yet. `requestMethod` decides whether a body follows
    /// (never after HEAD; a 2xx to CONNECT is refused as an upgrade). `scanFrom`: where the
    /// search for that empty line may start, as a caller that already searched the first bytes
    /// knows (see `resumeOffset`): a head that arrives a few bytes at a time is then scanned
    /// once, not once per arrival.
    public func parse(_ input: UnsafeRawBufferPointer, requestMethod: String, scanFrom: Int = 0) throws(ResponseParseError) -> (head: ResponseHead, length: Int)? {
        guard let end = Self.headEnd(in: input, limit: maxHeadLength, from: scanFrom) else {
            if input.count > maxHeadLength { throw .headTooLarge }
            return nil
        }
        var lines = LineReader(input: input, end: end)
        guard let statusLine = lines.next() else { throw .invalidStatusLine }
        let (version, status) = try Self.parseStatusLine(input, statusLine)

        var fields: [(name: String, value: String)] = []
        var contentLength: Int?
        var transferEncoding: [String] = []
        var connectionTokens: [String] = []
        while let line = lines.next() {
            guard fields.count < maxFieldCount else { throw .tooManyFields }
            let (name, value) = try Self.parseFieldLine(input, line)
            switch name {
            case "content-length":
                let length = try Self.parseContentLength(value)
                if let earlier = contentLength, earlier != length { throw .invalidContentLength }
                contentLength = length
            case "transfer-encoding":
                transferEncoding += Self.tokens(value)
            case "connection":
                connectionTokens += Self.tokens(value)
            default:
                break
            }
            fields.append((name, value))
        }

        if status == 101 { throw .unexpectedUpgrade }
        var keepAlive = version.isHTTP11OrLater ? !connectionTokens.contains("close") : connectionTokens.contains("keep-alive")
        let framing: ResponseHead.Framing
        if (100..<200).contains(status) || status == 204 || status == 304 || requestMethod == "HEAD" {
            framing = .none
        } else if requestMethod == "CONNECT" && (200..<300).contains(status) {
            throw .unexpectedUpgrade
        } else if !transferEncoding.isEmpty {
            guard version.isHTTP11OrLater, transferEncoding == ["chunked"] else { throw .unsupportedTransferCoding }
            framing = .chunked
            // Both framings sent: chunked wins, and the connection is not to be trusted again (§6.3).
            if contentLength != nil { keepAlive = false }
        } else if let contentLength {
            framing = .length(contentLength)
        } else {
            framing = .untilClose
            keepAlive = false
        }
        return (ResponseHead(version: version, status: status, fields: fields, framing: framing, keepAlive: keepAlive), end)
    }

    /// Where the next search may start after one over `count` bytes found no end: the empty
    /// line can straddle the last two bytes searched.
    public static func resumeOffset(afterSearching count: Int) -> Int { max(0, count - 2) }

    /// The offset just past the empty line that ends the head, if it is within `limit` bytes.
    static func headEnd(in input: UnsafeRawBufferPointer, limit: Int, from start: Int = 0) -> Int? {
        let n = min(input.count, limit)
        var i = max(0, start)
        while i < n {
            if input[i] == ASCII.lf {
                if i + 1 < n, input[i + 1] == ASCII.lf { return i + 2 }
                if i + 2 < n, input[i + 1] == ASCII.cr, input[i + 2] == ASCII.lf { return i + 3 }
            }
            i += 1
        }
        return nil
    }

    /// `HTTP/1.x SP 3DIGIT SP reason`, the status 100–599 (RFC 9110 §15); the reason phrase is
    /// ignored and may be missing, but holds no control character.
    private static func parseStatusLine(_ input: UnsafeRawBufferPointer, _ line: Range<Int>) throws(ResponseParseError) -> (HTTPVersion, Int) {
        let http: [UInt8] = Array("HTTP/".utf8)
        guard line.count >= 12 else { throw .invalidStatusLine }
        for (offset, byte) in http.enumerated() where input[line.lowerBound + offset] != byte { throw .invalidStatusLine }
        let major = input[line.lowerBound + 5], dot = input[line.lowerBound + 6], minor = input[line.lowerBound + 7]
        guard isDigit(major), dot == UInt8(ascii: "."), isDigit(minor) else { throw .invalidStatusLine }
        guard major == UInt8(ascii: "1"), minor <= UInt8(ascii: "1") else { throw .unsupportedVersion }
        guard input[line.lowerBound + 8] == ASCII.sp else { throw .invalidStatusLine }
        var status = 0
        for i in (line.lowerBound + 9)..<(line.lowerBound + 12) {
            guard isDigit(input[i]) else { throw .invalidStatusLine }
            status = status * 10 + Int(input[i] - UInt8(ascii: "0"))
        }
        guard (100...599).contains(status), line.count == 12 || input[line.lowerBound + 12] == ASCII.sp else { throw .invalidStatusLine }
        // reason-phrase = *( HTAB / SP / VCHAR / obs-text ): a CR or NUL in it would hide what follows.
        for i in (line.lowerBound + 12)..<line.upperBound {
            let byte = input[i]
            guard byte == ASCII.htab || (byte >= 0x20 && byte != 0x7F) else { throw .invalidStatusLine }
        }
        return (HTTPVersion(major: 1, minor: minor - UInt8(ascii: "0")), status)
    }

    private static func parseFieldLine(_ input: UnsafeRawBufferPointer, _ line: Range<Int>) throws(ResponseParseError) -> (String, String) {
        let table = ASCII.classes
        var i = line.lowerBound
        while i < line.upperBound, table[Int(input[i])] & ASCII.token != 0 { i += 1 }
        // Empty names, white space before the colon, and obs-fold continuation lines all land here.
        guard i > line.lowerBound, i < line.upperBound, input[i] == ASCII.colon else { throw .invalidFieldLine }
        let nameStart = line.lowerBound
        let name = String(unsafeUninitializedCapacity: i - nameStart) { out in
            for k in 0..<(i - nameStart) {
                let c = input[nameStart + k]
                out[k] = c >= 65 && c <= 90 ? c | 0x20 : c
            }
            return i - nameStart
        }
        var start = i + 1, end = line.upperBound
        while start < end, input[start] == ASCII.sp || input[start] == ASCII.htab { start += 1 }
        while end > start, input[end - 1] == ASCII.sp || input[end - 1] == ASCII.htab { end -= 1 }
        for k in start..<end where table[Int(input[k])] & ASCII.fieldValue == 0 { throw .invalidFieldLine }
        return (name, String(decoding: UnsafeRawBufferPointer(rebasing: input[start..<end]), as: UTF8.self))
    }

    /// One decimal length, or a list of the same length repeated (RFC 9110 §8.6).
    private static func parseContentLength(_ value: String) throws(ResponseParseError) -> Int {
        // A list of one number repeated (RFC 9110 §8.6), blanks around each element; read byte
        // by byte, as this runs for every upstream answer.
        var result: Int?
        var length = 0
        var digits = 0
        var blankAfterDigits = false
        func endElement() throws(ResponseParseError) {
            guard digits > 0 else { throw .invalidContentLength }
            if let result, result != length { throw .invalidContentLength }
            result = length
            length = 0
            digits = 0
            blankAfterDigits = false
        }
        for byte in value.utf8 {
            switch byte {
            case ASCII.sp, ASCII.htab:
                blankAfterDigits = digits > 0
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard !blankAfterDigits, digits < 18 else { throw .invalidContentLength }
                length = length * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            case UInt8(ascii: ","):
                try endElement()
            default:
                throw .invalidContentLength
            }
        }
        try endElement()
        return result ?? 0
    }

    /// The comma-separated tokens of a list field, lower-cased, empty elements dropped.
    private static func tokens(_ value: String) -> [String] {
        value.split(separator: ",").compactMap { part in
            let token = part.trimmingOWS().lowercasedASCII()
            return token.isEmpty ? nil : token
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
}

/// The lines of a head, each without its line ending; stops at the empty line.
private struct LineReader {
    let input: UnsafeRawBufferPointer
    let end: Int
    var position = 0

    init(input: UnsafeRawBufferPointer, end: Int) {
        self.input = input
        self.end = end
    }

    mutating func next() -> Range<Int>? {
        guard position < end else { return nil }
        var i = position
        while i < end, input[i] != ASCII.lf { i += 1 }
        var lineEnd = i
        if lineEnd > position, input[lineEnd - 1] == ASCII.cr { lineEnd -= 1 }
        let line = position..<lineEnd
        position = i + 1
        return line.isEmpty ? nil : line
    }
}

private extension StringProtocol {
    func lowercasedASCII() -> String {
        String(decoding: utf8.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}

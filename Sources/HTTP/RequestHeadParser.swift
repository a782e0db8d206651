/// Incremental, zero-copy parser of an HTTP/1.1 request head (RFC 9112 §2–§6).
///
/// Give it the bytes of one message from its first byte, as many as have arrived; call again
/// with the same bytes plus more when it returns `nil`. Bytes already scanned are never scanned
/// again, so a head that arrives one byte at a time costs no more than one that arrives whole.
/// The result points into those bytes; nothing is copied. Every limit is checked as bytes are
/// scanned, so a peer cannot make the caller buffer more than a limit plus one read.
///
/// Strict by design, for a server that may face the internet: bare LF line endings are refused
/// with 400 (RFC 9112 §2.2 allows either; refusing closes a request-smuggling door), as are
/// obs-fold, whitespace before a colon, and every framing ambiguity.
public struct RequestHeadParser: Sendable {
    /// The bounds on request line, field lines and field count, checked as bytes are scanned.
    public let limits: ParserLimits

    private enum State: UInt8, Sendable {
        case start, startLF, method, target, version, requestLineLF
        case fieldStart, fieldName, valueOWS, value, fieldLF, endLF
        /// A name followed by whitespace, and then the rest of that line: refused either way,
        /// read on only to say what is wrong with it.
        case nameWhitespace, nameRest
    }

    private var state = State.start
    private var position = 0
    private var lineStart = 0
    private var targetStart = 0
    private var targetEnd = 0
    private var versionStart = 0
    private var blockStart = 0
    private var nameEnd = 0
    private var valueStart = 0
    private var valueEnd = 0
    private var method = HTTPMethod.get
    private var version = HTTPVersion.http1_1
    private var fields: [FieldSpan] = []
    private var semantics = HeadSemantics()

    /// A parser waiting for the first byte of a message; a connection keeps one and resets it
    /// between messages.
    public init(limits: ParserLimits = ParserLimits()) {
        self.limits = limits
    }

    /// The bytes of empty lines (CR LF) taken before a request line: 32 of them; one more is
    /// `tooManyEmptyLines`.
    public static let maxEmptyLineBytes = 64
    /// The longest method token taken (and answered 405 when no route has it): twice the longest
    /// in IANA's registry (`UPDATEREDIRECTREF`, 17). A longer one is 501 (RFC 9112 §3).
    public static let maxMethodLength = 34

    /// True when no byte of a message has been scanned yet (what an idle connection looks like).
    public var isAtMessageStart: Bool { position == 0 }

    /// True while no request line has begun: nothing scanned, or only the empty lines RFC 9112
    /// §2.2 says to ignore (some clients send a CRLF after a request's body).
    public var hasNotBegunARequest: Bool { state == .start || state == .startLF }

    /// The method of the message being parsed once its request line has been read, also after
    /// the head was refused (but for a refusal that keeps the whole head, `refusedHead`, which
    /// has it): a refusal of a HEAD request carries no content (RFC 9110 §9.3.2).
    public var methodRead: HTTPMethod? { state.rawValue >= State.target.rawValue ? method : nil }

    /// The head of the last message refused for the length of the body it announced alone: a
    /// well-formed head, so the refusal can be logged and answered with its route and request id.
    /// `reset`, which follows every refusal, clears it.
    public private(set) var refusedHead: RequestHead?

    /// Forgets any partly parsed message.
    public mutating func reset() {
        refusedHead = nil
        state = .start
        position = 0
        fields = []
        semantics = HeadSemantics()
    }

    /// Parses as far as `buffer` allows. Returns the head once its final empty line has arrived,
    /// and is then ready for the next message; returns `nil` when it needs more bytes.
    public mutating func parse(_ buffer: UnsafeRawBufferPointer) throws(HTTPParseError) -> RequestHead? {
        let n = buffer.count
        var i = position
        let table = ASCII.classes
        defer { position = i }
        scan: while i < n {
            switch state {
            case .start:
                let c = buffer[i]
                if c == ASCII.cr {
                    state = .startLF
                    i += 1
                } else if c == ASCII.lf {
                    throw .bareLineFeed
                } else if table[Int(c)] & ASCII.token != 0 {
                    lineStart = i
                    state = .method
                } else {
                    throw .invalidMethod
                }
            case .startLF:
                guard buffer[i] == ASCII.lf else { throw .bareCarriageReturn }
                i += 1
                // RFC 9112 §2.2 asks us to ignore at least one empty line; a stream of them is an attack.
                guard i <= Self.maxEmptyLineBytes else { throw .tooManyEmptyLines }
                state = .start
            case .method:
                while i < n, table[Int(buffer[i])] & ASCII.token != 0 { i += 1 }
                // Whichever limit the method crosses first, however its bytes arrive.
                if i - lineStart > min(Self.maxMethodLength, limits.maxRequestLineLength) {
                    throw limits.maxRequestLineLength < Self.maxMethodLength ? .requestLineTooLong : .methodTooLong
                }
                guard i < n else { break scan }
                let c = buffer[i]
                guard c == ASCII.sp else {
                    throw (c == ASCII.cr || c == ASCII.lf) ? .invalidTarget : .invalidMethod
                }
                method = HTTPMethod(token: UnsafeRawBufferPointer(rebasing: buffer[lineStart..<i]))
                i += 1
                targetStart = i
                state = .target
            case .target:
                while i < n, table[Int(buffer[i])] & ASCII.target != 0 { i += 1 }
                guard i - lineStart <= limits.maxRequestLineLength else { throw .requestLineTooLong }
                guard i < n else { break scan }
                let c = buffer[i]
                guard i > targetStart else { throw c == ASCII.sp ? .extraSpaceInRequestLine : .invalidTarget }
                if c == ASCII.sp {
                    targetEnd = i
                    i += 1
                    versionStart = i
                    state = .version
                } else if c == ASCII.cr || c == ASCII.lf {
                    throw .missingVersion
                } else {
                    throw .invalidTarget
                }
            case .version:
                while i < n {
                    guard i - lineStart <= limits.maxRequestLineLength else { throw .requestLineTooLong }
                    let c = buffer[i]
                    if c == ASCII.cr || c == ASCII.lf { break }
                    if c == ASCII.sp { throw .extraSpaceInRequestLine }
                    i += 1
                    if i - versionStart > 8 { throw .invalidVersion }
                }
                guard i - lineStart <= limits.maxRequestLineLength else { throw .requestLineTooLong }
                guard i < n else { break scan }
                guard buffer[i] == ASCII.cr else { throw .bareLineFeed }
                version = try Self.parseVersion(buffer, versionStart, i)
                // After the version, so that `PRI * HTTP/2.0` (the HTTP/2 preface) gets 505, not 400.
                try checkTargetForm(buffer)
                i += 1
                state = .requestLineLF
            case .requestLineLF:
                guard buffer[i] == ASCII.lf else { throw .bareCarriageReturn }
                i += 1
                blockStart = i
                state = .fieldStart
            case .fieldStart:
                let c = buffer[i]
                if c == ASCII.cr {
                    i += 1
                    state = .endLF
                } else if c == ASCII.lf {
                    throw .bareLineFeed
                } else if c == ASCII.sp || c == ASCII.htab {
                    throw .obsoleteLineFolding
                } else if table[Int(c)] & ASCII.token != 0 {
                    lineStart = i
                    state = .fieldName
                } else {
                    throw .invalidFieldName
                }
            case .fieldName:
                while i < n, table[Int(buffer[i])] & ASCII.token != 0 { i += 1 }
                try checkFieldLimits(i)
                guard i < n else { break scan }
                let c = buffer[i]
                if c == ASCII.colon {
                    nameEnd = i
                    i += 1
                    state = .valueOWS
                } else if c == ASCII.sp || c == ASCII.htab {
                    // Whitespace after a name: before its colon (RFC 9112 §5.1), inside the name,
                    // or on a line with no colon at all. The rest of the line tells which, so the
                    // client is told what it got wrong.
                    state = .nameWhitespace
                } else if c == ASCII.cr || c == ASCII.lf {
                    throw .missingColon
                } else {
                    throw .invalidFieldName
                }
            case .valueOWS:
                while i < n, buffer[i] == ASCII.sp || buffer[i] == ASCII.htab { i += 1 }
                try checkFieldLimits(i)
                guard i < n else { break scan }
                valueStart = i
                valueEnd = i
                state = .value
            case .value:
                while i < n, table[Int(buffer[i])] & ASCII.fieldValue != 0 { i += 1 }
                try checkFieldLimits(i)
                guard i < n else { break scan }
                let c = buffer[i]
                if c == ASCII.cr {
                    var end = i
                    while end > valueStart, buffer[end - 1] == ASCII.sp || buffer[end - 1] == ASCII.htab { end -= 1 }
                    valueEnd = end
                    i += 1
                    state = .fieldLF
                } else if c == ASCII.lf {
                    throw .bareLineFeed
                } else {
                    throw .invalidFieldValue
                }
            case .fieldLF:
                guard buffer[i] == ASCII.lf else { throw .bareCarriageReturn }
                i += 1
                guard fields.count < limits.maxFieldCount else { throw .tooManyFields }
                if fields.isEmpty { fields.reserveCapacity(16) }
                let span = FieldSpan(nameStart: lineStart, nameEnd: nameEnd, valueStart: valueStart, valueEnd: valueEnd)
                fields.append(span)
                try semantics.note(span, index: fields.count - 1, in: buffer)
                state = .fieldStart
            case .nameWhitespace:
                while i < n, buffer[i] == ASCII.sp || buffer[i] == ASCII.htab { i += 1 }
                try checkFieldLimits(i)
                guard i < n else { break scan }
                if buffer[i] == ASCII.colon { throw .whitespaceBeforeColon }
                state = .nameRest
            case .nameRest:
                while i < n, buffer[i] != ASCII.cr, buffer[i] != ASCII.lf, buffer[i] != ASCII.colon { i += 1 }
                try checkFieldLimits(i)
                guard i < n else { break scan }
                throw buffer[i] == ASCII.colon ? .invalidFieldName : .missingColon
            case .endLF:
                guard i - blockStart <= limits.maxHeaderBlockLength + 2 else { throw .headerBlockTooLarge }
                guard buffer[i] == ASCII.lf else { throw .bareCarriageReturn }
                i += 1
                guard i - blockStart <= limits.maxHeaderBlockLength + 2 else { throw .headerBlockTooLarge }
                let head = try finish(buffer, length: i)
                i = 0
                return head
            }
        }
        if state == .fieldLF || state == .endLF || state == .fieldStart {
            guard i - blockStart <= limits.maxHeaderBlockLength + 2 else { throw .headerBlockTooLarge }
        }
        return nil
    }

    @inline(__always)
    private func checkFieldLimits(_ i: Int) throws(HTTPParseError) {
        let lineExcess = i - lineStart - limits.maxFieldLineLength
        let blockExcess = i - blockStart - limits.maxHeaderBlockLength
        // Report the limit the bytes crossed first, so the error does not depend on how reads split.
        guard lineExcess <= 0, blockExcess <= 0 else {
            throw blockExcess > lineExcess ? .headerBlockTooLarge : .fieldLineTooLong
        }
    }

    private func checkTargetForm(_ buffer: UnsafeRawBufferPointer) throws(HTTPParseError) {
        // RFC 9112 §3.2.3: CONNECT takes the authority form, `host:port`, and nothing else.
        if method == .connect {
            var colon = targetEnd - 1
            while colon > targetStart, buffer[colon] >= UInt8(ascii: "0"), buffer[colon] <= UInt8(ascii: "9") { colon -= 1 }
            guard colon > targetStart, colon < targetEnd - 1, buffer[colon] == UInt8(ascii: ":"),
                  HostValidator.isValid(buffer, targetStart, targetEnd) else { throw .invalidTarget }
            return
        }
        try checkPercentEscapes(buffer)
        let first = buffer[targetStart]
        if first == UInt8(ascii: "/") { return }
        if first == UInt8(ascii: "*") {
            guard targetEnd - targetStart == 1, method == .options else { throw .invalidTarget }
            return
        }
        let length = targetEnd - targetStart
        if length > 7, ASCII.equalsLowercase(buffer, targetStart, targetStart + 7, "http://") {
            try Self.checkAuthority(buffer, targetStart + 7, targetEnd)
            return
        }
        if length > 8, ASCII.equalsLowercase(buffer, targetStart, targetStart + 8, "https://") {
            try Self.checkAuthority(buffer, targetStart + 8, targetEnd)
            return
        }
        throw .invalidTarget
    }

    /// Every `%` of the target starts an escape of two hexadecimal digits (RFC 9112 §3.2, RFC 3986
    /// §2.1): one that does not makes the target invalid, whatever route it would reach.
    private func checkPercentEscapes(_ buffer: UnsafeRawBufferPointer) throws(HTTPParseError) {
        var i = targetStart
        while i < targetEnd {
            if buffer[i] == UInt8(ascii: "%") {
                guard i + 2 < targetEnd,
                      ASCII.classes[Int(buffer[i + 1])] & ASCII.hex != 0,
                      ASCII.classes[Int(buffer[i + 2])] & ASCII.hex != 0 else { throw .invalidPercentEncoding }
                i += 3
            } else {
                i += 1
            }
        }
    }

    /// The authority of an absolute-form target: a host must be there (RFC 9110 §4.2.1: an
    /// `http` URI with an empty host is invalid), user information must not (§4.2.4), and the
    /// rest must be a host and port as a Host field's would (an unclosed IPv6 literal, a port
    /// that is not a number, characters no host has).
    private static func checkAuthority(_ buffer: UnsafeRawBufferPointer, _ start: Int, _ end: Int) throws(HTTPParseError) {
        var i = start
        while i < end {
            let c = buffer[i]
            if c == UInt8(ascii: "/") || c == UInt8(ascii: "?") { break }
            if c == UInt8(ascii: "@") { throw .invalidTarget }
            i += 1
        }
        guard i > start, buffer[start] != UInt8(ascii: ":"), HostValidator.isValid(buffer, start, i) else { throw .invalidTarget }
    }

    private static func parseVersion(_ buffer: UnsafeRawBufferPointer, _ start: Int, _ end: Int) throws(HTTPParseError) -> HTTPVersion {
        func digit(_ c: UInt8) -> UInt8? { c >= 48 && c <= 57 ? c - 48 : nil }
        guard end - start == 8,
              buffer[start] == UInt8(ascii: "H"), buffer[start + 1] == UInt8(ascii: "T"),
              buffer[start + 2] == UInt8(ascii: "T"), buffer[start + 3] == UInt8(ascii: "P"),
              buffer[start + 4] == UInt8(ascii: "/"), buffer[start + 6] == UInt8(ascii: "."),
              let major = digit(buffer[start + 5]), let minor = digit(buffer[start + 7])
        else { throw .invalidVersion }
        guard major == 1 else { throw .unsupportedVersion }
        return HTTPVersion(major: major, minor: minor)
    }

    private mutating func finish(_ buffer: UnsafeRawBufferPointer, length: Int) throws(HTTPParseError) -> RequestHead {
        let s = semantics
        if s.hostCount > 1 { throw .duplicateHost }
        if version.isHTTP11OrLater, s.hostCount == 0 { throw .missingHost }
        if s.hostCount == 1 {
            let span = fields[s.hostIndex]
            guard HostValidator.isValid(buffer, Int(span.valueStart), Int(span.valueEnd)) else { throw .invalidHost }
        }
        var framing = BodyFraming.none
        if s.transferEncodingSeen {
            if s.contentLength >= 0 { throw .contentLengthWithTransferEncoding }
            if !version.isHTTP11OrLater { throw .transferEncodingInHTTP10 }
            // RFC 9112 §6.3 ¶4: a request whose final coding is not chunked has no knowable
            // length (400, then close); §6.1: chunked last after a coding we lack is 501.
            if s.codingCount == 0 || s.chunkedCount != 1 || !s.lastCodingIsChunked {
                throw .invalidTransferEncoding
            }
            if s.unknownCoding { throw .unsupportedTransferCoding }
            framing = .chunked
        } else if s.contentLength > 0 {
            framing = .length(s.contentLength)
        }
        let http11 = version.isHTTP11OrLater
        if http11, s.otherExpectation { throw .unsupportedExpectation }
        let head = RequestHead(
            method: method,
            version: version,
            target: targetStart..<targetEnd,
            fields: fields,
            length: length,
            framing: framing,
            keepAlive: http11 ? !s.connectionClose : (s.connectionKeepAlive && !s.connectionClose),
            expectsContinue: http11 && s.expectsContinue && framing != .none
        )
        state = .start
        fields = []
        semantics = HeadSemantics()
        if s.contentLength > limits.maxBodyLength {
            refusedHead = head
            throw .bodyTooLarge
        }
        return head
    }
}

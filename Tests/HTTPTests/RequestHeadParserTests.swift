@testable import HTTP
import Testing

/// Request heads the parser must accept (RFC 9112 §2–§6), each parsed whole, byte by byte and
/// in random splits by `ParserHarness`.
@Suite("RequestHeadParser: accepted forms")
struct RequestHeadParserTests {
    // MARK: Request line

    @Test func originFormRequest() throws {
        // given
        let input = bytes("GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n")
        // when
        let head = try ParserHarness.head(input)
        // then
        let parsed = ParsedHead(head: head, input: input)
        #expect(head.method == .get)
        #expect(head.version == .http1_1)
        #expect(head.target == 4..<19)
        #expect(parsed.target == "/index.html?q=1")
        #expect(head.length == input.count)
        #expect(head.framing == .none)
        #expect(head.keepAlive)
        #expect(!head.expectsContinue)
        #expect(head.fields == [
            FieldSpan(nameStart: 30, nameEnd: 34, valueStart: 36, valueEnd: 47),
            FieldSpan(nameStart: 49, nameEnd: 55, valueStart: 57, valueEnd: 60),
        ])
        #expect(parsed.fields.map(\.name) == ["Host", "Accept"])
        #expect(parsed.fields.map(\.value) == ["example.com", "*/*"])
    }

    @Test(arguments: [
        "http://example.com/a/b?c=d",
        "https://example.com:8443/",
        "HTTP://EXAMPLE.COM/x",
        "https://[::1]:8080/p",
        "http://example.com",
    ])
    func absoluteFormTarget(target: String) throws {
        let input = bytes("GET \(target) HTTP/1.1\r\nHost: example.com\r\n\r\n")
        let head = try ParserHarness.head(input)
        #expect(ParsedHead(head: head, input: input).target == target)
        #expect(head.target == 4..<(4 + target.utf8.count))
    }

    @Test func asteriskFormWithOptions() throws {
        let input = bytes("OPTIONS * HTTP/1.1\r\nHost: example.com\r\n\r\n")
        let head = try ParserHarness.head(input)
        #expect(head.method == .options)
        #expect(head.target == 8..<9)
        #expect(ParsedHead(head: head, input: input).target == "*")
    }

    @Test func authorityFormWithConnect() throws {
        let input = bytes("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
        let head = try ParserHarness.head(input)
        #expect(head.method == .connect)
        #expect(ParsedHead(head: head, input: input).target == "example.com:443")
    }

    @Test(arguments: [
        ("GET", HTTPMethod.get), ("HEAD", .head), ("POST", .post), ("PUT", .put), ("DELETE", .delete),
        ("PATCH", .patch), ("OPTIONS", .options), ("TRACE", .trace), ("QUERY", .query),
        ("PURGE", .other("PURGE")), ("get", .other("get")), ("M-SEARCH", .other("M-SEARCH")),
    ])
    func methodTokens(token: String, method: HTTPMethod) throws {
        let head = try ParserHarness.head(bytes("\(token) / HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(head.method == method)
        #expect(head.method.rawValue == token)
    }

    @Test(arguments: [1, 2, 32])
    func leadingEmptyLinesAreIgnored(count: Int) throws {
        // given: CRLFs before the request line (RFC 9112 §2.2); 32 of them are 64 bytes, the most allowed
        let prefix = String(repeating: "\r\n", count: count)
        let input = bytes(prefix + "GET /x HTTP/1.1\r\nHost: a\r\n\r\n")
        // when
        let head = try ParserHarness.head(input)
        // then: ranges stay offsets from the first byte given
        #expect(head.target == (2 * count + 4)..<(2 * count + 6))
        #expect(ParsedHead(head: head, input: input).target == "/x")
        #expect(head.length == input.count)
    }

    @Test func http10WithoutHost() throws {
        let head = try ParserHarness.head(bytes("GET / HTTP/1.0\r\n\r\n"))
        #expect(head.version == .http1_0)
        #expect(!head.version.isHTTP11OrLater)
        #expect(head.fields.isEmpty)
        #expect(!head.keepAlive)
    }

    @Test func http11() throws {
        let head = try ParserHarness.head(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(head.version == .http1_1)
        #expect(head.keepAlive)
    }

    @Test func laterHTTP1MinorGetsHTTP11Semantics() throws {
        // given: HTTP/1.7, which a 1.1 server must answer as 1.1 (RFC 9110 §2.5)
        let head = try ParserHarness.head(bytes("GET / HTTP/1.7\r\nHost: a\r\n\r\n"))
        // then: the version as sent, with 1.1 semantics: keep-alive by default
        #expect(head.version == HTTPVersion(major: 1, minor: 7))
        #expect(head.version.isHTTP11OrLater)
        #expect(head.keepAlive)
        // and Host is required as in 1.1
        #expect(ParserHarness.error(bytes("GET / HTTP/1.7\r\n\r\n")) == .missingHost)
    }

    @Test func headWithoutFieldsIsJustTheRequestLine() throws {
        let input = bytes("GET / HTTP/1.0\r\n\r\n")
        let head = try ParserHarness.head(input)
        #expect(head.length == 18)
        #expect(head.target == 4..<5)
    }

    // MARK: Incremental input

    @Test func oneByteAtATimeReturnsNilUntilTheFinalLF() throws {
        // given
        let input = bytes("POST /submit HTTP/1.1\r\nHost: example.com\r\nContent-Length: 3\r\n\r\n")
        var parser = RequestHeadParser()
        var results: [Bool] = []
        var head: RequestHead?
        // when: each call sees one byte more than the last
        try input.withUnsafeBytes { raw in
            for end in 1...raw.count {
                let result = try parser.parse(UnsafeRawBufferPointer(rebasing: raw[0..<end]))
                results.append(result != nil)
                if result != nil { head = result }
            }
        }
        // then: only the last byte completes the head
        #expect(results == Array(repeating: false, count: input.count - 1) + [true])
        #expect(head?.framing == .length(3))
        #expect(head?.length == input.count)
        #expect(parser.isAtMessageStart)
    }

    @Test func incompleteHeadReturnsNilAndKeepsState() throws {
        var parser = RequestHeadParser()
        #expect(parser.isAtMessageStart)
        let first = bytes("GET / HTTP/1.1\r\nHo")
        let whole = bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        let partial = try first.withUnsafeBytes { raw in try parser.parse(raw) }
        #expect(partial == nil)
        #expect(!parser.isAtMessageStart)
        let head = try whole.withUnsafeBytes { raw in try parser.parse(raw) }
        #expect(head?.length == whole.count)
        #expect(parser.isAtMessageStart)
    }

    @Test func resetForgetsAPartialMessage() throws {
        var parser = RequestHeadParser()
        let junk = bytes("POST /x HTTP/1.1\r\nContent-Le")
        let good = bytes("GET /y HTTP/1.1\r\nHost: a\r\n\r\n")
        _ = try junk.withUnsafeBytes { raw in try parser.parse(raw) }
        parser.reset()
        #expect(parser.isAtMessageStart)
        let head = try good.withUnsafeBytes { raw in try parser.parse(raw) }
        #expect(head?.target == 4..<6)
        #expect(head?.method == .get)
    }

    @Test func pipelinedRequestsInOneBuffer() throws {
        // given: three requests back to back, the second with a 5-byte body
        let first = "GET /one HTTP/1.1\r\nHost: a\r\n\r\n"
        let second = "POST /two HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n"
        let third = "GET /three HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
        let input = bytes(first + second + "hello" + third)
        var parser = RequestHeadParser()
        var heads: [RequestHead] = []
        var offsets: [Int] = []
        // when: parse one head, skip it and its body, parse the remainder with the same parser
        try input.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let rest = UnsafeRawBufferPointer(rebasing: raw[offset...])
                let head = try #require(try parser.parse(rest))
                heads.append(head)
                offsets.append(offset)
                var bodyLength = 0
                if case .length(let n) = head.framing { bodyLength = n }
                offset += head.length + bodyLength
            }
        }
        // then
        try #require(heads.count == 3)
        #expect(offsets == [0, first.utf8.count, first.utf8.count + second.utf8.count + 5])
        #expect(heads.map(\.length) == [first.utf8.count, second.utf8.count, third.utf8.count])
        #expect(heads.map(\.method) == [.get, .post, .get])
        #expect(heads.map(\.framing) == [.none, .length(5), .none])
        #expect(heads.map(\.keepAlive) == [true, true, false])
        let targets = zip(heads, offsets).map { head, offset in
            String(decoding: input[(offset + head.target.lowerBound)..<(offset + head.target.upperBound)], as: UTF8.self)
        }
        #expect(targets == ["/one", "/two", "/three"])
        let bodyStart = offsets[1] + heads[1].length
        #expect(Array(input[bodyStart..<(bodyStart + 5)]) == bytes("hello"))
    }

    @Test func headEndsAtItsEmptyLineWhenMoreBytesFollow() throws {
        // given: a head followed by the start of the next request
        let head = "GET / HTTP/1.1\r\nHost: a\r\n\r\n"
        let input = bytes(head + "GET /next HT")
        // when / then
        let parsed = try ParserHarness.head(input)
        #expect(parsed.length == head.utf8.count)
    }

    // MARK: Body framing

    @Test func contentLengthBody() throws {
        let head = try ParserHarness.head(head11("Content-Length: 42"))
        #expect(head.framing == .length(42))
    }

    @Test(arguments: ["Content-Length: 5, 5", "Content-Length: 5,5", "Content-Length: 5 ,\t5 , 5"])
    func repeatedEqualContentLengthListIsAccepted(field: String) throws {
        let head = try ParserHarness.head(head11(field))
        #expect(head.framing == .length(5))
    }

    @Test func twoIdenticalContentLengthLinesAreAccepted() throws {
        let head = try ParserHarness.head(head11("Content-Length: 5", "Content-Length: 5"))
        #expect(head.framing == .length(5))
        #expect(head.fields.count == 3)
    }

    @Test func contentLengthZeroMeansNoBody() throws {
        let head = try ParserHarness.head(head11("Content-Length: 0"))
        #expect(head.framing == .none)
    }

    @Test func contentLengthWithLeadingZeros() throws {
        let head = try ParserHarness.head(head11("Content-Length: 007"))
        #expect(head.framing == .length(7))
    }

    @Test func contentLengthExactlyAtTheBodyLimit() throws {
        let limits = ParserLimits(maxBodyLength: 10)
        let head = try ParserHarness.head(head11("Content-Length: 10"), limits: limits)
        #expect(head.framing == .length(10))
    }

    @Test(arguments: [
        "Transfer-Encoding: chunked", "Transfer-Encoding: Chunked", "Transfer-Encoding: CHUNKED",
        "transfer-encoding: chunked", "Transfer-Encoding:chunked  ", "Transfer-Encoding: chunked,",
    ])
    func chunkedFraming(field: String) throws {
        let head = try ParserHarness.head(head11(field))
        #expect(head.framing == .chunked)
        #expect(head.keepAlive)
    }

    @Test func noBodyHeadersMeansNoBody() throws {
        let head = try ParserHarness.head(bytes("POST /x HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(head.framing == .none)
    }

    // MARK: Expect

    @Test(arguments: [
        ("HTTP/1.1", "Content-Length: 5", true),
        ("HTTP/1.1", "Transfer-Encoding: chunked", true),
        ("HTTP/1.1", "Content-Length: 0", false),
        ("HTTP/1.1", "X-No-Body: 1", false),
        ("HTTP/1.0", "Content-Length: 5", false),
    ])
    func expectContinue(version: String, framingField: String, expects: Bool) throws {
        // given
        let input = bytes("PUT /f \(version)\r\nHost: a\r\nExpect: 100-continue\r\n\(framingField)\r\n\r\n")
        // when
        let head = try ParserHarness.head(input)
        // then: only an HTTP/1.1 request with a body waits for 100 Continue
        #expect(head.expectsContinue == expects)
    }

    @Test func expectContinueIsCaseInsensitive() throws {
        let head = try ParserHarness.head(head11("Expect: 100-Continue", "Content-Length: 1"))
        #expect(head.expectsContinue)
    }

    @Test("Expect is a list: 100-continue repeated, comma-joined, or beside empty elements is still 100-continue, and an empty value expects nothing",
          arguments: [("Expect: 100-continue, 100-continue", true), ("Expect: 100-continue\r\nExpect: 100-continue", true),
                      ("Expect: , 100-continue ,", true), ("Expect:", false), ("Expect: ,", false)])
    func expectationList(fields: String, expects: Bool) throws {
        let head = try ParserHarness.head(head11(fields, "Content-Length: 1"))
        #expect(head.expectsContinue == expects)
    }

    @Test func otherExpectationIsIgnoredInHTTP10() throws {
        let head = try ParserHarness.head(bytes("GET / HTTP/1.0\r\nExpect: something-else\r\n\r\n"))
        #expect(!head.expectsContinue)
    }

    // MARK: Connection

    @Test(arguments: [
        ("HTTP/1.1", nil, true),
        ("HTTP/1.1", "close", false),
        ("HTTP/1.1", "Close", false),
        ("HTTP/1.1", "keep-alive", true),
        ("HTTP/1.1", "upgrade, close", false),
        ("HTTP/1.1", "keep-alive, close", false),
        ("HTTP/1.1", "closed", true),
        ("HTTP/1.0", nil, false),
        ("HTTP/1.0", "keep-alive", true),
        ("HTTP/1.0", "Keep-Alive", true),
        ("HTTP/1.0", " foo ,  keep-alive ", true),
        ("HTTP/1.0", "close", false),
        ("HTTP/1.0", "keep-alive, close", false),
    ] as [(String, String?, Bool)])
    func connectionSemantics(version: String, connection: String?, keepAlive: Bool) throws {
        var text = "GET / \(version)\r\nHost: a\r\n"
        if let connection { text += "Connection: \(connection)\r\n" }
        let head = try ParserHarness.head(bytes(text + "\r\n"))
        #expect(head.keepAlive == keepAlive)
    }

    // MARK: Field values

    @Test func obsTextInFieldValue() throws {
        // given: bytes 0x80...0xFF are obs-text, allowed in a value (RFC 9110 §5.5)
        let value: [UInt8] = [0x61, 0x80, 0xA9, 0xFF, 0x20, 0x62]
        let input = bytes("GET / HTTP/1.1\r\nHost: a\r\nX-Bin: ") + value + bytes("\r\n\r\n")
        // when
        let head = try ParserHarness.head(input)
        // then
        #expect(ParsedHead(head: head, input: input).valueBytes(at: 1) == value)
    }

    @Test(arguments: [
        ("X: value", "value"),
        ("X:value", "value"),
        ("X:   spaced   ", "spaced"),
        ("X:\t tabbed \t", "tabbed"),
        ("X: inner  \t space", "inner  \t space"),
        ("X:", ""),
        ("X:    ", ""),
        ("X: \"quoted, list\", b", "\"quoted, list\", b"),
    ])
    func fieldValueWhitespaceIsTrimmed(line: String, value: String) throws {
        let input = head11(line)
        let head = try ParserHarness.head(input)
        #expect(ParsedHead(head: head, input: input).fields.last?.value == value)
    }

    @Test func fieldOrderAndDuplicatesArePreserved() throws {
        let input = head11("Accept: a", "X-Dup: 1", "accept: b", "X-Dup: 2")
        let head = try ParserHarness.head(input)
        let fields = ParsedHead(head: head, input: input).fields
        #expect(fields.map(\.name) == ["Host", "Accept", "X-Dup", "accept", "X-Dup"])
        #expect(fields.map(\.value) == ["example.com", "a", "1", "b", "2"])
    }

    @Test func fieldNamesMayUseEveryTokenCharacter() throws {
        let input = head11("!#$%&'*+-.^_`|~09azAZ: v")
        let head = try ParserHarness.head(input)
        #expect(ParsedHead(head: head, input: input).fields.last?.name == "!#$%&'*+-.^_`|~09azAZ")
    }

    // MARK: Host

    @Test(arguments: [
        "", "example.com", "example.com:8080", "example.com:65535", "example.com:", "127.0.0.1:80", "[::1]", "[::1]:8080", "[::1]:",
        "[2001:db8::1]", "[::ffff:192.0.2.1]:443", "a-b_c~d.e%41", "sub!$&'()*+,;=delims",
        // port = *DIGIT (leading zeros), and RFC 3986's IPvFuture literal
        "a:000080", "a:0000000000065535", "[v1.fe]", "[V1F.a:b-c~!]:443",
    ])
    func validHost(host: String) throws {
        // given
        let input = bytes("GET / HTTP/1.1\r\nHost: \(host)\r\n\r\n")
        // when
        let head = try ParserHarness.head(input)
        // then
        #expect(ParsedHead(head: head, input: input).fields.first?.value == host)
    }

    @Test func emptyHostWithTrailingWhitespace() throws {
        let head = try ParserHarness.head(bytes("GET / HTTP/1.1\r\nHost:   \r\n\r\n"))
        #expect(head.fields.count == 1)
    }

    // MARK: Case-insensitive names

    @Test func framingFieldNamesAreCaseInsensitive() throws {
        let head = try ParserHarness.head(bytes("POST / HTTP/1.1\r\nhOsT: a\r\ncontent-LENGTH: 3\r\nCONNECTION: CLOSE\r\n\r\n"))
        #expect(head.framing == .length(3))
        #expect(!head.keepAlive)
    }

    @Test func headerLookupsAreCaseInsensitive() throws {
        let input = bytes("GET / HTTP/1.1\r\nHOST: a\r\nx-custom-HEADER: yes\r\n\r\n")
        let head = try ParserHarness.head(input)
        let headers = ParsedHead(head: head, input: input).request.headers
        #expect(headers["host"] == "a")
        #expect(headers["Host"] == "a")
        #expect(headers["X-Custom-Header"] == "yes")
        #expect(headers["x-custom-header"] == "yes")
        #expect(headers["X-Custom-Headers"] == nil)
    }

    // MARK: Limits at their boundary

    @Test func requestLineExactlyAtLimit() throws {
        // "GET /abcdefgh HTTP/1.1" is 22 bytes
        let input = bytes("GET /abcdefgh HTTP/1.1\r\nHost: a\r\n\r\n")
        let head = try ParserHarness.head(input, limits: ParserLimits(maxRequestLineLength: 22))
        #expect(head.target == 4..<13)
    }

    @Test func fieldLineExactlyAtLimit() throws {
        // "X: 0123456789abc" is 16 bytes; the CRLF does not count
        let input = bytes("GET / HTTP/1.1\r\nHost: a\r\nX: 0123456789abc\r\n\r\n")
        let head = try ParserHarness.head(input, limits: ParserLimits(maxFieldLineLength: 16))
        #expect(ParsedHead(head: head, input: input).fields.last?.value == "0123456789abc")
    }

    @Test func headerBlockExactlyAtLimit() throws {
        // "Host: a\r\n" + "A: 1\r\n" = 15 bytes of field lines
        let input = bytes("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\n\r\n")
        let head = try ParserHarness.head(input, limits: ParserLimits(maxHeaderBlockLength: 15))
        #expect(head.fields.count == 2)
    }

    @Test func fieldCountExactlyAtLimit() throws {
        let head = try ParserHarness.head(head11("A: 1", "B: 2"), limits: ParserLimits(maxFieldCount: 3))
        #expect(head.fields.count == 3)
    }
}

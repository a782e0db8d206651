@testable import HTTP
import Testing

/// Runs a rejection every way and checks the error and its status.
private func expectRejected(_ rejection: Rejection, sourceLocation: SourceLocation = #_sourceLocation) {
    let error = ParserHarness.error(rejection.input, limits: rejection.limits, sourceLocation: sourceLocation)
    #expect(error == rejection.error, sourceLocation: sourceLocation)
    #expect(error?.status.code == rejection.status, sourceLocation: sourceLocation)
}

@Suite("RequestHeadParser: rejections")
struct RequestHeadParserRejectionTests {
    // MARK: Body framing

    @Test(arguments: [
        Rejection(field: "Content-Length then Transfer-Encoding", "Content-Length: 5\r\nTransfer-Encoding: chunked", .contentLengthWithTransferEncoding),
        Rejection(field: "Transfer-Encoding then Content-Length", "Transfer-Encoding: chunked\r\nContent-Length: 5", .contentLengthWithTransferEncoding),
        Rejection(field: "Content-Length 0 with chunked", "Content-Length: 0\r\nTransfer-Encoding: chunked", .contentLengthWithTransferEncoding),
        Rejection(field: "Content-Length with unknown coding", "Content-Length: 5\r\nTransfer-Encoding: gzip", .contentLengthWithTransferEncoding),
    ])
    func contentLengthWithTransferEncoding(_ rejection: Rejection) { expectRejected(rejection) }

    @Test(arguments: [
        Rejection(field: "two lines 5 and 6", "Content-Length: 5\r\nContent-Length: 6", .conflictingContentLength),
        Rejection(field: "list 5, 6", "Content-Length: 5, 6", .conflictingContentLength),
        Rejection(field: "list 5,5,6", "Content-Length: 5,5,6", .conflictingContentLength),
        Rejection(field: "lines 0 and 5", "Content-Length: 0\r\nContent-Length: 5", .conflictingContentLength),
    ])
    func conflictingContentLength(_ rejection: Rejection) { expectRejected(rejection) }

    @Test(arguments: ["-1", "+5", "0x10", "1 2", "", "   ", "5,", ",5", "5,,5", "abc", "5 ,", "1.0", "５"])
    func contentLengthNotDigits(value: String) {
        expectRejected(Rejection(field: "Content-Length: \(value)", "Content-Length: \(value)", .invalidContentLength))
    }

    @Test(arguments: ["9223372036854775808", "99999999999999999999", "18446744073709551616"])
    func contentLengthOverflowingInt(value: String) {
        // digits, so a valid length: only too large for any body (RFC 9110 §8.6)
        expectRejected(Rejection(field: value, "Content-Length: \(value)", .bodyTooLarge, status: 413))
    }

    @Test func contentLengthPastIntStillChecksTheHead() {
        // a length too large for any body does not hide what is wrong with the head itself
        expectRejected(Rejection("huge length, no Host", bytes("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n"), .missingHost))
        expectRejected(Rejection(field: "then letters", "Content-Length: 99999999999999999999abc", .invalidContentLength))
    }

    @Test func contentLengthIntMaxIsTooLargeNotInvalid() {
        expectRejected(Rejection(field: "Int.max", "Content-Length: 9223372036854775807", .bodyTooLarge, status: 413))
    }

    @Test func declaredBodyOverLimitIsRefusedWhenTheHeadEnds() throws {
        // given: a body limit of 10 and a head declaring 11 bytes, with no body bytes sent
        let limits = ParserLimits(maxBodyLength: 10)
        let input = head11("Content-Length: 11")
        // when / then: refused as soon as the head is complete, before any body is read
        let error = ParserHarness.error(input, limits: limits)
        #expect(error == .bodyTooLarge)
        #expect(error?.status.code == 413)
        // and not earlier: the head without its final CRLF is merely incomplete
        #expect(ParserHarness.byteByByte(Array(input.dropLast(2)), limits: limits) == .incomplete)
    }

    @Test(arguments: [
        Rejection("Transfer-Encoding in HTTP/1.0", bytes("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), .transferEncodingInHTTP10),
        Rejection(field: "chunked, chunked", "Transfer-Encoding: chunked, chunked", .invalidTransferEncoding),
        Rejection(field: "chunked on two lines", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked", .invalidTransferEncoding),
        Rejection(field: "chunked, gzip", "Transfer-Encoding: chunked, gzip", .invalidTransferEncoding),
        Rejection(field: "chunked then gzip on two lines", "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip", .invalidTransferEncoding),
        Rejection(field: "empty Transfer-Encoding", "Transfer-Encoding:", .invalidTransferEncoding),
        Rejection(field: "only commas", "Transfer-Encoding: , ,", .invalidTransferEncoding),
        Rejection(field: "quoted coding", "Transfer-Encoding: \"chunked\"", .invalidTransferEncoding),
        Rejection(field: "gzip alone", "Transfer-Encoding: gzip", .invalidTransferEncoding),
        Rejection(field: "identity", "Transfer-Encoding: identity", .invalidTransferEncoding),
        Rejection(field: "compress", "Transfer-Encoding: compress", .invalidTransferEncoding),
        Rejection(field: "chunked with a parameter", "Transfer-Encoding: chunked;x=1", .invalidTransferEncoding),
    ])
    func invalidTransferEncoding(_ rejection: Rejection) { expectRejected(rejection) }

    @Test(arguments: ["gzip, chunked", "deflate,chunked", "identity, chunked"])
    func unsupportedTransferCoding(value: String) {
        expectRejected(Rejection(field: value, "Transfer-Encoding: \(value)", .unsupportedTransferCoding, status: 501))
    }

    // MARK: Host

    @Test func missingHostInHTTP11() {
        expectRejected(Rejection("no Host", bytes("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n"), .missingHost))
    }

    @Test(arguments: [
        Rejection("two Host lines", bytes("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n"), .duplicateHost),
        Rejection("two Host lines, different case", bytes("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n"), .duplicateHost),
        Rejection("two Host lines in HTTP/1.0", bytes("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n"), .duplicateHost),
    ])
    func duplicateHost(_ rejection: Rejection) { expectRejected(rejection) }

    @Test(arguments: ["a b", "a/b", "a@b", "[::1", "host:port", "[::1]x", "[]", "[::g]", "a:123456", "a:70000", "a:65536", "a:1:2", "a?b", "a#b", "\u{80}",
                     "x%zz", "%", "x%4", "x%g0", "%4:80",
                     "a:0000065536", "[v]", "[v1]", "[v1.]", "[vg.a]", "[v1.a/b]", "[v1.a"])
    func malformedHost(host: String) {
        expectRejected(Rejection("Host: \(host)", bytes("GET / HTTP/1.1\r\nHost: \(host)\r\n\r\n"), .invalidHost))
    }

    @Test func malformedHostInHTTP10() {
        expectRejected(Rejection("HTTP/1.0 Host: a b", bytes("GET / HTTP/1.0\r\nHost: a b\r\n\r\n"), .invalidHost))
    }

    // MARK: Field lines

    @Test(arguments: [
        Rejection(field: "space before colon", "Host : a", .whitespaceBeforeColon),
        Rejection(field: "tab before colon", "X\t: y", .whitespaceBeforeColon),
        Rejection(field: "spaces and a tab before colon", "X  \t: y", .whitespaceBeforeColon),
    ])
    func whitespaceBeforeColon(_ rejection: Rejection) { expectRejected(rejection) }

    @Test(arguments: [
        Rejection("continuation line", bytes("GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n"), .obsoleteLineFolding),
        Rejection("continuation with tab", bytes("GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n\tb\r\n\r\n"), .obsoleteLineFolding),
        Rejection("space right after request line", bytes("GET / HTTP/1.1\r\n Host: a\r\n\r\n"), .obsoleteLineFolding),
        Rejection("tab right after request line", bytes("GET / HTTP/1.1\r\n\tHost: a\r\n\r\n"), .obsoleteLineFolding),
    ])
    func obsoleteLineFolding(_ rejection: Rejection) { expectRejected(rejection) }

    @Test(arguments: [
        Rejection(field: "line without colon", "NoColonHere", .missingColon),
        Rejection(field: "name then bare LF", "Name\n", .missingColon),
        Rejection(field: "name, space, value, no colon", "X-A a", .missingColon),
    ])
    func missingColon(_ rejection: Rejection) { expectRejected(rejection) }

    @Test(arguments: [
        Rejection(field: "empty name", ": x", .invalidFieldName),
        Rejection(field: "space inside name", "X Y: z", .invalidFieldName),
        Rejection(field: "parenthesis in name", "a(b: x", .invalidFieldName),
        Rejection(field: "quote in name", "a\"b: x", .invalidFieldName),
        Rejection(field: "slash in name", "a/b: x", .invalidFieldName),
        Rejection(field: "at in name", "a@b: x", .invalidFieldName),
        Rejection(field: "CTL in name", "a\u{01}b: x", .invalidFieldName),
        Rejection(field: "DEL in name", "a\u{7F}b: x", .invalidFieldName),
        Rejection(field: "NUL starting name", "\u{0}a: x", .invalidFieldName),
        Rejection(field: "obs-text in name", [0x61, 0x80, 0x3A, 0x20, 0x78], .invalidFieldName),
    ])
    func invalidFieldName(_ rejection: Rejection) { expectRejected(rejection) }

    @Test(arguments: [
        Rejection(field: "NUL in value", "X: a\u{0}b", .invalidFieldValue),
        Rejection(field: "SOH in value", "X: a\u{01}b", .invalidFieldValue),
        Rejection(field: "VT in value", "X: a\u{0B}b", .invalidFieldValue),
        Rejection(field: "FF in value", "X: a\u{0C}b", .invalidFieldValue),
        Rejection(field: "ESC in value", "X: a\u{1B}b", .invalidFieldValue),
        Rejection(field: "US in value", "X: a\u{1F}b", .invalidFieldValue),
        Rejection(field: "DEL in value", "X: a\u{7F}b", .invalidFieldValue),
        Rejection(field: "NUL leading value", "X: \u{0}", .invalidFieldValue),
    ])
    func invalidFieldValue(_ rejection: Rejection) { expectRejected(rejection) }

    @Test func bareCarriageReturnInValue() {
        expectRejected(Rejection(field: "bare CR in value", "X: a\rb", .bareCarriageReturn))
    }

    // MARK: Request line

    @Test(arguments: [
        Rejection("HTTP/0.9 request", bytes("GET /\r\n\r\n"), .missingVersion),
        Rejection("HTTP/0.9 request with bare LF", bytes("GET /\n"), .missingVersion),
    ])
    func missingVersion(_ rejection: Rejection) { expectRejected(rejection) }

    @Test(arguments: ["http/1.1", "HTTP/1.10", "HTTP/11", "HTTP/1", "HTTP/1.", "HTTP/1.x", "HTTP/A.1", "HTTPS/1.1", "HTTP-1.1", "", "HTTP/1.1.1", "Http/1.1", "HTTP/12.0"])
    func invalidVersion(version: String) {
        expectRejected(Rejection(line: "version \(version.debugDescription)", "GET / \(version)", .invalidVersion))
    }

    @Test(arguments: ["HTTP/1.10", "HTTP/1.1/", "XXXXXXXXXXXXXXXX"])
    func overlongVersionIsRefusedBeforeTheLineEnds(version: String) {
        // no CRLF yet: a version can be at most 8 bytes, so the 9th decides
        let outcome = ParserHarness.parse(bytes("GET / " + version))
        #expect(outcome.outcome == .failed(.invalidVersion))
    }

    @Test(arguments: [
        Rejection(line: "relative target", "GET foo HTTP/1.1", .invalidTarget),
        Rejection(line: "CONNECT to a path", "CONNECT /healthz HTTP/1.1", .invalidTarget),
        Rejection(line: "CONNECT without a port", "CONNECT example.com HTTP/1.1", .invalidTarget),
        Rejection(line: "CONNECT to an absolute URI", "CONNECT http://x/ HTTP/1.1", .invalidTarget),
        Rejection(line: "CONNECT to garbage", "CONNECT @@@ HTTP/1.1", .invalidTarget),
        Rejection(line: "asterisk with GET", "GET * HTTP/1.1", .invalidTarget),
        Rejection(line: "asterisk with POST", "POST * HTTP/1.1", .invalidTarget),
        Rejection(line: "asterisk followed by path", "OPTIONS */x HTTP/1.1", .invalidTarget),
        Rejection(line: "other scheme", "GET ftp://example.com/ HTTP/1.1", .invalidTarget),
        Rejection(line: "scheme without authority", "GET http:// HTTP/1.1", .invalidTarget),
        Rejection(line: "empty host before the path", "GET http:///healthz HTTP/1.1", .invalidTarget),
        Rejection(line: "empty host with a port", "GET https://:443/ HTTP/1.1", .invalidTarget),
        Rejection(line: "user information", "GET http://user@example.com/ HTTP/1.1", .invalidTarget),
        Rejection(line: "an unclosed IPv6 literal", "GET http://[::1/healthz HTTP/1.1", .invalidTarget),
        Rejection(line: "a port that is not a number", "GET http://x:abc/healthz HTTP/1.1", .invalidTarget),
        Rejection(line: "a port past 65535", "GET http://x:70000/healthz HTTP/1.1", .invalidTarget),
        Rejection(line: "characters no host has", "GET http://a\"b/healthz HTTP/1.1", .invalidTarget),
        Rejection(line: "fragment", "GET /healthz#top HTTP/1.1", .invalidTarget),
        Rejection(line: "SOH in target", "GET /a\u{01}b HTTP/1.1", .invalidTarget),
        Rejection(line: "HTAB in target", "GET /a\tb HTTP/1.1", .invalidTarget),
        Rejection(line: "NUL in target", "GET /a\u{0} HTTP/1.1", .invalidTarget),
        Rejection(line: "DEL in target", "GET /a\u{7F} HTTP/1.1", .invalidTarget),
        Rejection(line: "space in target", "GET /a b HTTP/1.1", .extraSpaceInRequestLine),
        Rejection(line: "empty target", "GET  HTTP/1.1", .extraSpaceInRequestLine),
        Rejection(line: "two spaces before the target", "GET  /healthz HTTP/1.1", .extraSpaceInRequestLine),
        Rejection(line: "no target", "GET", .invalidTarget),
        Rejection(line: "space after version", "GET / HTTP/1.1 ", .extraSpaceInRequestLine),
        Rejection(line: "a bad escape in the path", "GET /healthz%zz HTTP/1.1", .invalidPercentEncoding),
        Rejection(line: "a % at the end of the path", "GET /healthz% HTTP/1.1", .invalidPercentEncoding),
        Rejection(line: "an escape cut short", "GET /a%4 HTTP/1.1", .invalidPercentEncoding),
        Rejection(line: "a bad escape in the query", "GET /a?x=%g1 HTTP/1.1", .invalidPercentEncoding),
        Rejection(line: "a bad escape in an absolute URL", "GET http://x/a%2 HTTP/1.1", .invalidPercentEncoding),
        Rejection("obs-text in target", bytes("GET /") + [0x80] + bytes(" HTTP/1.1\r\nHost: a\r\n\r\n"), .invalidTarget),
        Rejection("0xFF in target", bytes("GET /") + [0xFF] + bytes(" HTTP/1.1\r\nHost: a\r\n\r\n"), .invalidTarget),
    ])
    func invalidTarget(_ rejection: Rejection) { expectRejected(rejection) }

    @Test(arguments: [
        Rejection(line: "parenthesis in method", "GE(T / HTTP/1.1", .invalidMethod),
        Rejection(line: "slash in method", "G/ET / HTTP/1.1", .invalidMethod),
        Rejection(line: "empty method", " / HTTP/1.1", .invalidMethod),
        Rejection(line: "tab after method", "GET\t/ HTTP/1.1", .invalidMethod),
        Rejection(line: "CTL in method", "G\u{01}ET / HTTP/1.1", .invalidMethod),
        Rejection(line: "NUL first", "\u{0}GET / HTTP/1.1", .invalidMethod),
        Rejection(line: "obs-text in method", "GÉT / HTTP/1.1", .invalidMethod),
    ])
    func invalidMethod(_ rejection: Rejection) { expectRejected(rejection) }

    // MARK: Line endings

    @Test(arguments: [
        Rejection("bare LF before request line", bytes("\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"), .bareLineFeed),
        Rejection("bare LF after a CRLF empty line", bytes("\r\n\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"), .bareLineFeed),
        Rejection("bare LF ending request line", bytes("GET / HTTP/1.1\nHost: a\r\n\r\n"), .bareLineFeed),
        Rejection("bare LF ending field line", bytes("GET / HTTP/1.1\r\nHost: a\n\r\n"), .bareLineFeed),
        Rejection("bare LF ending empty field value", bytes("GET / HTTP/1.1\r\nHost: a\r\nX:\n\r\n"), .bareLineFeed),
        Rejection("bare LF as final empty line", bytes("GET / HTTP/1.1\r\nHost: a\r\n\n"), .bareLineFeed),
        Rejection("bare LF everywhere", bytes("GET / HTTP/1.1\nHost: a\n\n"), .bareLineFeed),
    ])
    func bareLineFeed(_ rejection: Rejection) { expectRejected(rejection) }

    @Test(arguments: [
        Rejection("bare CR before request line", bytes("\rGET / HTTP/1.1\r\nHost: a\r\n\r\n"), .bareCarriageReturn),
        Rejection("bare CR ending request line", bytes("GET / HTTP/1.1\rHost: a\r\n\r\n"), .bareCarriageReturn),
        Rejection("bare CR ending field line", bytes("GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n"), .bareCarriageReturn),
        Rejection("bare CR as final line", bytes("GET / HTTP/1.1\r\nHost: a\r\n\rX"), .bareCarriageReturn),
        Rejection("CR CR LF", bytes("GET / HTTP/1.1\r\nHost: a\r\r\n\r\n"), .bareCarriageReturn),
    ])
    func bareCarriageReturn(_ rejection: Rejection) { expectRejected(rejection) }

    @Test func tooManyLeadingEmptyLines() {
        // 33 CRLFs are 66 bytes, over the 64 allowed
        let input = bytes(String(repeating: "\r\n", count: 33) + "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        expectRejected(Rejection("33 empty lines", input, .tooManyEmptyLines))
        // detected without waiting for a request line
        #expect(ParserHarness.byteByByte(bytes(String(repeating: "\r\n", count: 40))) == .failed(.tooManyEmptyLines))
    }

    // MARK: Versions

    @Test(arguments: ["HTTP/2.0", "HTTP/3.0", "HTTP/0.9", "HTTP/9.9"])
    func unsupportedVersion(version: String) {
        expectRejected(Rejection(line: version, "GET / \(version)", .unsupportedVersion, status: 505))
    }

    @Test func http2ConnectionPrefaceIsAnsweredWith505() {
        // given: the HTTP/2 client connection preface (RFC 9113 §3.4) sent to an HTTP/1 server
        let preface = bytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
        // when
        let error = ParserHarness.parse(preface).outcome.error
        // then
        #expect(error == .unsupportedVersion)
        #expect(error?.status.code == 505)
        // and the request line alone is enough to decide
        #expect(ParserHarness.byteByByte(bytes("PRI * HTTP/2.0\r\n")) == .failed(.unsupportedVersion))
    }

    // MARK: Limits

    @Test func requestLineTooLong() {
        let limits = ParserLimits(maxRequestLineLength: 22)
        // "GET /abcdefghi HTTP/1.1" is 23 bytes
        var rejection = Rejection("23-byte request line", bytes("GET /abcdefghi HTTP/1.1\r\nHost: a\r\n\r\n"), .requestLineTooLong, status: 414)
        rejection.limits = limits
        expectRejected(rejection)
    }

    @Test(arguments: ["method", "target", "version"])
    func requestLineTooLongIsDetectedBeforeTheLineEnds(part: String) {
        // given: a limit of 32 and 40 bytes of a request line that has not ended
        let limits = ParserLimits(maxRequestLineLength: 32)
        let prefix: String = switch part {
        case "method": String(repeating: "M", count: 40)
        case "target": "GET /" + String(repeating: "a", count: 35)
        default: "GET /" + String(repeating: "a", count: 26) + " HTTP/1.1" // 40 bytes, the line not yet ended
        }
        // when / then: refused before any CRLF arrives, however the bytes are split
        let outcome = ParserHarness.parse(bytes(prefix), limits: limits).outcome
        #expect(outcome == .failed(.requestLineTooLong))
        #expect(outcome.error?.status.code == 414)
    }

    @Test("a method longer than any registered one is 501, as soon as it is that long; one of the longest taken is parsed")
    func methodTooLong() throws {
        let longest = String(repeating: "M", count: RequestHeadParser.maxMethodLength)
        #expect(try ParserHarness.head(bytes(longest + " / HTTP/1.1\r\nHost: a\r\n\r\n")).method == HTTPMethod(longest))
        let outcome = ParserHarness.parse(bytes(longest + "M")).outcome
        #expect(outcome == .failed(.methodTooLong))
        #expect(outcome.error?.status.code == 501)
    }

    @Test func requestLineTooLongWithDefaultLimits() {
        let input = bytes("GET /" + String(repeating: "a", count: 8 * 1024) + " HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(ParserHarness.whole(input) == .failed(.requestLineTooLong))
        // the first byte past the limit is enough
        #expect(ParserHarness.whole(Array(input.prefix(8 * 1024 + 1))) == .failed(.requestLineTooLong))
        #expect(ParserHarness.whole(Array(input.prefix(8 * 1024))) == .incomplete)
    }

    @Test(arguments: [
        ("long value", "X: 0123456789abcd"),
        ("long name", "X-0123456789abcd:"),
        ("long whitespace", "X:" + String(repeating: " ", count: 15)),
        ("long whitespace before the colon", "X" + String(repeating: " ", count: 16) + ":"),
        ("a name, a space, and a long rest without a colon", "X a" + String(repeating: "b", count: 14)),
    ])
    func fieldLineTooLong(label: String, field: String) {
        // given: field lines limited to 16 bytes, and a 17-byte line
        var rejection = Rejection(field: label, field, .fieldLineTooLong, status: 431)
        rejection.limits = ParserLimits(maxFieldLineLength: 16)
        expectRejected(rejection)
    }

    @Test func fieldLineTooLongIsDetectedBeforeTheLineEnds() {
        let limits = ParserLimits(maxFieldLineLength: 16)
        let input = bytes("GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "v", count: 20))
        #expect(ParserHarness.parse(input, limits: limits).outcome == .failed(.fieldLineTooLong))
    }

    @Test func headerBlockTooLarge() {
        // given: 15 bytes of field lines allowed; "Host: a\r\n" + "A: 1\r\n" + "B: 2\r\n" is 21
        var rejection = Rejection("21-byte block", bytes("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\n\r\n"), .headerBlockTooLarge, status: 431)
        rejection.limits = ParserLimits(maxHeaderBlockLength: 15)
        expectRejected(rejection)
    }

    @Test func headerBlockOneByteOverLimit() {
        // "Host: a\r\n" + "A: 1\r\n" is 15 bytes of field lines
        var rejection = Rejection("15-byte block, limit 14", bytes("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\n\r\n"), .headerBlockTooLarge, status: 431)
        rejection.limits = ParserLimits(maxHeaderBlockLength: 14)
        expectRejected(rejection)
    }

    @Test func headerBlockTooLargeIsDetectedBeforeTheHeadEnds() {
        // many small fields, never an empty line: refused once the block passes the limit
        let limits = ParserLimits(maxHeaderBlockLength: 64)
        let input = bytes("GET / HTTP/1.1\r\nHost: a\r\n" + String(repeating: "A: 1\r\n", count: 20))
        #expect(ParserHarness.parse(input, limits: limits).outcome == .failed(.headerBlockTooLarge))
    }

    @Test func tooManyFields() {
        var rejection = Rejection(field: "4 fields, limit 3", "A: 1\r\nB: 2\r\nC: 3", .tooManyFields, status: 431)
        rejection.limits = ParserLimits(maxFieldCount: 3)
        expectRejected(rejection)
    }

    @Test func tooManyFieldsWithDefaultLimit() {
        let input = bytes("GET / HTTP/1.1\r\nHost: a\r\n" + String(repeating: "A: 1\r\n", count: 100) + "\r\n")
        #expect(ParserHarness.whole(input) == .failed(.tooManyFields))
        let justEnough = bytes("GET / HTTP/1.1\r\nHost: a\r\n" + String(repeating: "A: 1\r\n", count: 99) + "\r\n")
        if case .head(let head) = ParserHarness.whole(justEnough) {
            #expect(head.fields.count == 100)
        } else {
            Issue.record("100 fields should be accepted")
        }
    }

    @Test func refusedForItsBodyLengthAloneTheHeadIsKept() throws {
        // given
        var parser = RequestHeadParser(limits: ParserLimits(maxBodyLength: 10))
        let input = Array("POST /a/b?c=1 HTTP/1.1\r\nHost: x\r\nX-Request-ID: r-1\r\nContent-Length: 11\r\n\r\n".utf8)
        // when
        let error = input.withUnsafeBytes { buffer -> HTTPParseError? in
            do throws(HTTPParseError) { _ = try parser.parse(buffer); return nil } catch { return error }
        }
        // then: the head can be answered and logged as its request; any other refusal keeps none
        #expect(error == .bodyTooLarge)
        let head = try #require(parser.refusedHead)
        #expect(head.method == .post)
        #expect(Array(input[head.target]) == Array("/a/b?c=1".utf8))
        #expect(head.length == input.count)
        parser.reset()
        #expect(parser.refusedHead == nil)
        let malformed = Array("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n".utf8)
        let other = malformed.withUnsafeBytes { buffer -> HTTPParseError? in
            do throws(HTTPParseError) { _ = try parser.parse(buffer); return nil } catch { return error }
        }
        #expect(other == .invalidContentLength)
        #expect(parser.refusedHead == nil)
    }

    @Test func bodyTooLarge() {
        var rejection = Rejection(field: "Content-Length over limit", "Content-Length: 1025", .bodyTooLarge, status: 413)
        rejection.limits = ParserLimits(maxBodyLength: 1024)
        expectRejected(rejection)
    }

    @Test func bodyTooLargeWithDefaultLimit() {
        expectRejected(Rejection(field: "1 MiB + 1", "Content-Length: 1048577", .bodyTooLarge, status: 413))
    }

    // MARK: Expect

    @Test(arguments: ["something", "100-continue, foo", "100-continuex", "200-ok"])
    func unsupportedExpectation(value: String) {
        expectRejected(Rejection(field: "Expect: \(value)", "Expect: \(value)\r\nContent-Length: 1", .unsupportedExpectation, status: 417))
    }

    // MARK: Errors and their statuses

    @Test func everyErrorMapsToItsStatus() {
        let expected: [HTTPParseError: Int] = [
            .unsupportedVersion: 505, .requestLineTooLong: 414,
            .fieldLineTooLong: 431, .headerBlockTooLarge: 431, .tooManyFields: 431, .trailersTooLarge: 431,
            .unsupportedTransferCoding: 501, .methodTooLong: 501, .unsupportedExpectation: 417, .bodyTooLarge: 413,
        ]
        for error in HTTPParseError.allCases {
            #expect(error.status.code == expected[error] ?? 400, "\(error)")
            #expect(!error.detail.isEmpty, "\(error)")
            #expect(error.detail.hasSuffix("."), "\(error)")
        }
        #expect(HTTPParseError.allCases.count == 38)
    }
}

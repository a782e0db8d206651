import HTTP
import Testing

/// Where an upstream's response body ends, and whether its connection can be used again, read
/// from the head the way RFC 9112 §6.3 orders the rules.
@Suite("Response head parser")
struct ResponseHeadParserTests {
    func parse(_ text: String, method: String = "GET") throws(ResponseParseError) -> (head: ResponseHead, length: Int)? {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBytes { raw in
            Result { () throws(ResponseParseError) in try ResponseHeadParser(maxHeadLength: 256).parse(raw, requestMethod: method) }
        }.get()
    }

    @Test("a complete head gives status, lower-cased fields in order, and its length")
    func complete() throws {
        let text = "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nX-A:  1 \r\nx-a: 2\r\nContent-Length: 2\r\n\r\n{}"
        let (head, length) = try #require(try parse(text))
        #expect(head.status == 404)
        #expect(head.fields.map(\.name) == ["content-type", "x-a", "x-a", "content-length"])
        #expect(head.fields[1].value == "1")
        #expect(head.framing == .length(2))
        #expect(head.keepAlive)
        #expect(length == text.utf8.count - 2)
    }

    @Test("an incomplete head asks for more, at any cut", arguments: [0, 1, 9, 17, 30, 31])
    func incomplete(cut: Int) throws {
        let text = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
        #expect(try parse(String(text.prefix(cut))) == nil)
    }

    @Test("given a head arriving one byte at a time, when each search resumes where the last ended, then its end is found where a whole search finds it",
          arguments: ["HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 204\nDate: x\n\n", "HTTP/1.1 200 OK\r\nA: b\n\r\n"])
    func resumedSearch(text: String) throws {
        let bytes = Array(text.utf8)
        let parser = ResponseHeadParser(maxHeadLength: 256)
        var scanFrom = 0
        var found: Int?
        for count in 1...bytes.count where found == nil {
            let outcome = try bytes.prefix(count).withUnsafeBytes { raw in
                Result { () throws(ResponseParseError) in try parser.parse(raw, requestMethod: "GET", scanFrom: scanFrom) }
            }.get()
            if let (_, length) = outcome { found = length } else { scanFrom = ResponseHeadParser.resumeOffset(afterSearching: count) }
        }
        #expect(found == bytes.count)
    }

    @Test("bare LF line endings and a missing reason phrase are accepted")
    func lenient() throws {
        let (head, _) = try #require(try parse("HTTP/1.1 204\nDate: x\n\n"))
        #expect(head.status == 204)
        #expect(head.framing == .none)
    }

    @Test("framing follows RFC 9112 §6.3", arguments: [
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "GET", ResponseHead.Framing.chunked, true),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", "GET", .chunked, false),
        ("HTTP/1.1 200 OK\r\n\r\n", "GET", .untilClose, false),
        ("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\n", "GET", .length(5), true),
        ("HTTP/1.1 200 OK\r\nContent-Length: \t7 ,7\t, 7\r\n\r\n", "GET", .length(7), true),
        ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", "HEAD", .none, true),
        ("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n", "GET", .none, true),
        ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: Keep-Alive, close\r\n\r\n", "GET", .length(5), false),
        ("HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\n", "GET", .length(5), false),
        ("HTTP/1.0 200 OK\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\n", "GET", .length(5), true),
    ])
    func framing(text: String, method: String, framing: ResponseHead.Framing, keepAlive: Bool) throws {
        let (head, _) = try #require(try parse(text, method: method))
        #expect(head.framing == framing)
        #expect(head.keepAlive == keepAlive)
    }

    @Test("heads that would make client and server disagree are refused", arguments: [
        ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", ResponseParseError.invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 5,\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: ,5\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 0x5\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", .invalidContentLength),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", .unsupportedTransferCoding),
        ("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", .unsupportedTransferCoding),
        ("HTTP/1.1 200 OK\r\nX: a\r\n folded\r\n\r\n", .invalidFieldLine),
        ("HTTP/1.1 200 OK\r\nX : a\r\n\r\n", .invalidFieldLine),
        ("HTTP/1.1 200 OK\r\nX: a\u{1}b\r\n\r\n", .invalidFieldLine),
        ("HTTP/2 200\r\n\r\n", .invalidStatusLine),
        ("HTTP/2.0 200 OK\r\n\r\n", .unsupportedVersion),
        ("HTTP/1.1 20x OK\r\n\r\n", .invalidStatusLine),
        ("HTTP/1.1 099 Odd\r\n\r\n", .invalidStatusLine),
        ("HTTP/1.1 600 Odd\r\n\r\n", .invalidStatusLine),
        ("HTTP/1.1 999 Weird\r\n\r\n", .invalidStatusLine),
        ("HTTP/1.1 200 OK\rX: y\r\nContent-Length: 0\r\n\r\n", .invalidStatusLine),
        ("HTTP/1.1 200 O\u{0}K\r\n\r\n", .invalidStatusLine),
        ("ICY 200 OK\r\n\r\n", .invalidStatusLine),
        ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n", .unexpectedUpgrade),
    ])
    func refused(text: String, error: ResponseParseError) {
        #expect(throws: error) { try parse(text) }
    }

    @Test("a head longer than the limit is refused before its end arrives")
    func tooLarge() {
        #expect(throws: ResponseParseError.headTooLarge) { try parse("HTTP/1.1 200 OK\r\nX: " + String(repeating: "a", count: 300)) }
    }
}

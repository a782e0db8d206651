@testable import HTTP
import Testing

@Suite("ResponseHeadWriter")
struct ResponseHeadWriterTests {
    private let dateLine = bytes("Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n")

    private func head(
        _ status: HTTPStatus, _ headers: HTTPHeaders = HTTPHeaders(), contentLength: Int = 0,
        connection: ResponseHeadWriter.ConnectionField = .none
    ) -> String {
        var out: [UInt8] = []
        ResponseHeadWriter.write(
            status: status, headers: headers, contentLength: contentLength,
            dateLine: dateLine, connection: connection, into: &out
        )
        return String(decoding: out, as: UTF8.self)
    }

    @Test func okWithHeaders() {
        // given
        let headers: HTTPHeaders = ["Content-Type": "text/plain; charset=utf-8", "X-Request-Id": "42"]
        // when
        let text = head(.ok, headers, contentLength: 13)
        // then
        #expect(text == """
            HTTP/1.1 200 OK\r
            Date: Sun, 06 Nov 1994 08:49:37 GMT\r
            Content-Type: text/plain; charset=utf-8\r
            X-Request-Id: 42\r
            Content-Length: 13\r
            \r

            """)
    }

    @Test func notFound() {
        #expect(head(.notFound) == "HTTP/1.1 404 Not Found\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 0\r\n\r\n")
    }

    @Test func writesAfterExistingBytes() {
        var out = bytes("previous")
        ResponseHeadWriter.write(status: .ok, headers: [:], contentLength: 1, dateLine: [], connection: .none, into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "previousHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n")
    }

    @Test(arguments: [
        (200, "HTTP/1.1 200 OK\r\n"),
        (201, "HTTP/1.1 201 Created\r\n"),
        (404, "HTTP/1.1 404 Not Found\r\n"),
        (418, "HTTP/1.1 418 Unknown\r\n"),
        (429, "HTTP/1.1 429 Too Many Requests\r\n"),
        (431, "HTTP/1.1 431 Request Header Fields Too Large\r\n"),
        (503, "HTTP/1.1 503 Service Unavailable\r\n"),
        (505, "HTTP/1.1 505 HTTP Version Not Supported\r\n"),
        (100, "HTTP/1.1 100 Continue\r\n"),
        (599, "HTTP/1.1 599 Unknown\r\n"),
        (999, "HTTP/1.1 999 Unknown\r\n"),
    ])
    func statusLine(code: Int, expected: String) {
        var out: [UInt8] = []
        ResponseHeadWriter.writeStatusLine(HTTPStatus(code), into: &out)
        #expect(String(decoding: out, as: UTF8.self) == expected)
    }

    @Test func arbitraryStatusInFullHead() {
        #expect(head(HTTPStatus(418), contentLength: 2) == "HTTP/1.1 418 Unknown\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 2\r\n\r\n")
        #expect(head(.tooManyRequests, ["Retry-After": "30"]) == "HTTP/1.1 429 Too Many Requests\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nRetry-After: 30\r\nContent-Length: 0\r\n\r\n")
    }

    @Test(arguments: [100, 101, 103, 199, 204, 304])
    func noContentLengthWhenTheStatusForbidsABody(code: Int) {
        let text = head(HTTPStatus(code), ["ETag": "\"x\""], contentLength: 10)
        #expect(!text.contains("Content-Length"))
        #expect(text.hasSuffix("\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nETag: \"x\"\r\n\r\n"))
    }

    @Test(arguments: [200, 205, 206, 400, 500])
    func contentLengthWhenTheStatusAllowsABody(code: Int) {
        #expect(head(HTTPStatus(code), contentLength: 7).hasSuffix("\r\nContent-Length: 7\r\n\r\n"))
    }

    @Test func connectionClose() {
        #expect(head(.ok, contentLength: 0, connection: .close)
            == "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    }

    @Test func connectionKeepAlive() {
        #expect(head(.ok, contentLength: 0, connection: .keepAlive)
            == "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n")
    }

    @Test func connectionCloseOnNoContent() {
        #expect(head(.noContent, connection: .close) == "HTTP/1.1 204 No Content\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nConnection: close\r\n\r\n")
    }

    @Test func handlerFramingFieldsAreDropped() {
        // given: a handler that tries to set the server's framing fields, in any case
        var headers = HTTPHeaders()
        headers.add("Content-Length", "999")
        headers.add("content-length", "1")
        headers.add("Date", "yesterday")
        headers.add("DATE", "tomorrow")
        headers.add("Connection", "upgrade")
        headers.add("Transfer-Encoding", "chunked")
        headers.add("TRANSFER-ENCODING", "gzip")
        headers.add("X-Kept", "yes")
        // when
        let text = head(.ok, headers, contentLength: 5, connection: .close)
        // then: only the server's own values appear
        #expect(text == "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nX-Kept: yes\r\nContent-Length: 5\r\nConnection: close\r\n\r\n")
    }

    @Test(arguments: [
        ("X-Bad", "a\r\nSet-Cookie: admin=1"),
        ("X-Bad", "a\nb"),
        ("X-Bad", "a\rb"),
        ("X-Bad", "a\u{0}b"),
        ("X-Bad", "a\u{7F}b"),
        ("X-Bad", "a\u{1B}b"),
        ("X Bad", "v"),
        ("", "v"),
        ("X:Bad", "v"),
        ("X-Bad\r\nInjected", "v"),
        ("X-Bäd", "v"),
        ("(X)", "v"),
    ])
    func unsafeFieldsAreDropped(name: String, value: String) {
        // given
        var headers = HTTPHeaders()
        headers.add("X-Before", "1")
        headers.add(name, value)
        headers.add("X-After", "2")
        // when
        let text = head(.ok, headers)
        // then: the response cannot be split; the safe fields survive
        #expect(text == "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nX-Before: 1\r\nX-After: 2\r\nContent-Length: 0\r\n\r\n")
    }

    @Test(arguments: [
        ("X-Tab", "a\tb"),
        ("X-Empty", ""),
        ("X-Utf8", "caf\u{E9}"),
        ("X-Visible", "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
        ("!#$%&'*+-.^_`|~", "token name"),
    ])
    func safeFieldsAreWrittenAsGiven(name: String, value: String) {
        #expect(head(.ok, HTTPHeaders([(name, value)])) == "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\(name): \(value)\r\nContent-Length: 0\r\n\r\n")
    }

    @Test(arguments: [
        (0, "0"), (9, "9"), (10, "10"), (99, "99"), (100, "100"), (12_345, "12345"),
        (1_000_000, "1000000"), (Int.max, "9223372036854775807"),
    ])
    func appendDecimal(value: Int, expected: String) {
        var out = bytes(">")
        ResponseHeadWriter.appendDecimal(value, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == ">" + expected)
    }

    @Test func continueResponseBytes() {
        #expect(String(decoding: ResponseHeadWriter.continueResponse, as: UTF8.self) == "HTTP/1.1 100 Continue\r\n\r\n")
    }

    @Test func writtenHeadHasOnlyCRLFLineEndings() {
        // every CR is followed by LF, every LF follows a CR, and only the last line is empty
        let out = Array(head(.created, ["Location": "/items/1"], contentLength: 0, connection: .keepAlive).utf8)
        var emptyLines = 0
        for i in out.indices {
            if out[i] == 13 { #expect(i + 1 < out.count && out[i + 1] == 10) }
            if out[i] == 10 { #expect(i > 0 && out[i - 1] == 13) }
            if i >= 3, out[(i - 3)...i].elementsEqual([13, 10, 13, 10]) { emptyLines += 1; #expect(i == out.count - 1) }
        }
        #expect(emptyLines == 1)
    }

    // MARK: HTTPHeaders

    @Test func headersSubscriptAndAdd() {
        // given
        var headers: HTTPHeaders = ["Set-Cookie": "a=1"]
        headers.add("set-cookie", "b=2")
        headers.add("X", "1")
        // then
        #expect(headers.count == 3)
        #expect(headers["SET-COOKIE"] == "a=1")
        // when: setting replaces every field of the name
        headers["Set-Cookie"] = "c=3"
        #expect(headers.fields.map(\.name) == ["X", "Set-Cookie"])
        #expect(headers.fields.map(\.value) == ["1", "c=3"])
        // when: nil removes
        headers["x"] = nil
        #expect(headers.count == 1)
        #expect(headers["X"] == nil)
        #expect(!headers.isEmpty)
        #expect(HTTPHeaders().isEmpty)
    }

    @Test func responseTextInit() {
        let response = HTTPResponse(status: .created, contentType: "text/plain", text: "hé")
        #expect(response.status == .created)
        #expect(response.headers["content-type"] == "text/plain")
        #expect(response.body == [0x68, 0xC3, 0xA9])
    }

    @Test func statusProperties() {
        #expect(HTTPStatus.ok.description == "200 OK")
        #expect(HTTPStatus(code: 418).reasonPhrase == "Unknown")
        #expect(HTTPStatus.noContent.forbidsBody)
        #expect(HTTPStatus.notModified.forbidsBody)
        #expect(HTTPStatus(150).forbidsBody)
        #expect(!HTTPStatus.ok.forbidsBody)
        #expect(!HTTPStatus(205).forbidsBody)
    }
}

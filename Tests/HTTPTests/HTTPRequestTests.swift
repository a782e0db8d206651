@testable import HTTP
import Testing

@Suite("HTTPRequest and HTTPRequestHeaders")
struct HTTPRequestTests {
    /// Parses `text` as a head (every way) and wraps it with `body` as the decoded body.
    private func request(_ text: String, body: String = "", sourceLocation: SourceLocation = #_sourceLocation) throws -> HTTPRequest {
        let head = bytes(text)
        let parsed = try ParserHarness.head(head, sourceLocation: sourceLocation)
        let storage = head + bytes(body)
        return HTTPRequest(head: parsed, storage: storage, bodyRange: parsed.length..<storage.count)
    }

    // MARK: Target, path and query

    @Test(arguments: [
        ("/", "/", nil),
        ("/index.html", "/index.html", nil),
        ("/search?q=swift&lang=en", "/search", "q=swift&lang=en"),
        ("/a/b/?", "/a/b/", ""),
        ("/p%20q?x=%41", "/p%20q", "x=%41"),
        ("/a?b?c", "/a", "b?c"),
    ] as [(String, String, String?)])
    func originForm(target: String, path: String, query: String?) throws {
        // given / when
        let request = try request("GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n")
        // then
        #expect(request.target == target)
        #expect(Array(request.targetBytes) == bytes(target))
        #expect(request.path == path)
        #expect(Array(request.pathBytes) == bytes(path))
        #expect(request.query == query)
        #expect(request.queryBytes.map { Array($0) } == query.map { bytes($0) })
    }

    @Test(arguments: [
        ("http://example.com/a/b?x=1", "/a/b", "x=1"),
        ("https://example.com:8443/", "/", nil),
        ("http://example.com", "/", nil),
        ("http://example.com?x=1", "/", "x=1"),
        ("https://example.com:8080/p/q", "/p/q", nil),
        ("http://[::1]:8080/v6?y", "/v6", "y"),
        ("HTTP://EXAMPLE.COM/UP", "/UP", nil),
    ] as [(String, String, String?)])
    func absoluteForm(target: String, path: String, query: String?) throws {
        let request = try request("GET \(target) HTTP/1.1\r\nHost: example.com\r\n\r\n")
        #expect(request.target == target)
        #expect(request.path == path)
        #expect(request.query == query)
    }

    @Test func asteriskForm() throws {
        let request = try request("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(request.method == .options)
        #expect(request.target == "*")
        #expect(request.path == "*")
        #expect(request.query == nil)
    }

    @Test func authorityFormHasRootPath() throws {
        let request = try request("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
        #expect(request.target == "example.com:443")
        #expect(request.path == "/")
    }

    @Test func targetAfterLeadingEmptyLines() throws {
        let request = try request("\r\n\r\nGET /late?z HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(request.path == "/late")
        #expect(request.query == "z")
    }

    // MARK: Parsed requests

    @Test func parsedRequestCarriesHeadAndBody() throws {
        // given
        let request = try request("POST /upload HTTP/1.0\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\n", body: "hello")
        // then
        #expect(request.method == .post)
        #expect(request.version == .http1_0)
        #expect(request.keepAlive)
        #expect(Array(request.body) == bytes("hello"))
        #expect(request.headers.count == 2)
    }

    @Test func headerSubscriptIsCaseInsensitiveAndReturnsTheFirstValue() throws {
        let request = try request("GET / HTTP/1.1\r\nHost: a\r\nX-Tag: one\r\nx-tag: two\r\nEmpty:\r\n\r\n")
        #expect(request.headers["X-Tag"] == "one")
        #expect(request.headers["x-TAG"] == "one")
        #expect(request.headers["Empty"] == "")
        #expect(request.headers["Missing"] == nil)
        #expect(request.headers["X-Ta"] == nil)
        #expect(request.headers["X-Tags"] == nil)
        #expect(request.headers.firstValueBytes("x-tag").map { Array($0) } == bytes("one"))
        #expect(request.headers.contains("EMPTY"))
        #expect(!request.headers.contains("X"))
    }

    @Test func valuesReturnsEveryLineInOrder() throws {
        let request = try request("GET / HTTP/1.1\r\nHost: a\r\nAccept: text/html\r\nX: 1\r\naccept: application/json, */*\r\n\r\n")
        #expect(request.headers.values("Accept") == ["text/html", "application/json, */*"])
        #expect(request.headers.values("x") == ["1"])
        #expect(request.headers.values("None") == [])
    }

    @Test func firstValueEqualsComparesBytesExactly() throws {
        let request = try request("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nUpgrade: h2c\r\n\r\n")
        #expect(request.headers.firstValue("upgrade", equals: "websocket"))
        #expect(!request.headers.firstValue("Upgrade", equals: "WebSocket"))
        #expect(!request.headers.firstValue("Upgrade", equals: "websock"))
        #expect(!request.headers.firstValue("Upgrade", equals: "websockets"))
        #expect(!request.headers.firstValue("Upgrade", equals: "h2c"))
        #expect(!request.headers.firstValue("Missing", equals: ""))
    }

    @Test func headersIterateInArrivalOrder() throws {
        let request = try request("GET / HTTP/1.1\r\nHost: a\r\nB: 2\r\nA: 1\r\n\r\n")
        let pairs = request.headers.map { "\($0.name)=\($0.value)" }
        #expect(pairs == ["Host=a", "B=2", "A=1"])
    }

    // MARK: In-process requests

    @Test func inProcessRequest() {
        // given / when
        let request = HTTPRequest(
            method: .post, target: "/items?sort=asc",
            headers: [("Content-Type", "application/json"), ("X-Id", "1"), ("x-id", "2")],
            body: bytes("{\"a\":1}")
        )
        // then
        #expect(request.method == .post)
        #expect(request.version == .http1_1)
        #expect(request.target == "/items?sort=asc")
        #expect(request.path == "/items")
        #expect(request.query == "sort=asc")
        #expect(Array(request.body) == bytes("{\"a\":1}"))
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.headers.values("X-ID") == ["1", "2"])
        #expect(request.headers.count == 3)
        #expect(request.keepAlive)
    }

    @Test func inProcessRequestWithoutBody() {
        let request = HTTPRequest(method: .get, target: "/")
        #expect(request.body.isEmpty)
        #expect(request.headers.count == 0)
        #expect(request.path == "/")
        #expect(request.query == nil)
    }

    @Test func inProcessRequestWithConnectionClose() {
        let request = HTTPRequest(method: .get, target: "/", headers: [("Connection", "Close")])
        #expect(!request.keepAlive)
    }

    @Test func inProcessRequestBytesParseLikeTheWire() throws {
        // the in-process storage is a well-formed head: the parser agrees with the in-process view
        let request = HTTPRequest(method: .put, target: "/x?y", headers: [("Host", "a"), ("Content-Length", "3")], body: bytes("abc"))
        let wire = bytes("PUT /x?y HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n")
        let head = try ParserHarness.head(wire)
        let parsed = HTTPRequest(head: head, storage: wire + bytes("abc"), bodyRange: head.length..<(wire.count + 3))
        #expect(parsed.target == request.target)
        #expect(Array(parsed.body) == Array(request.body))
        #expect(parsed.headers.map { "\($0.name): \($0.value)" } == request.headers.map { "\($0.name): \($0.value)" })
    }

    // MARK: Small value types

    @Test(arguments: [
        ("GET", HTTPMethod.get), ("HEAD", .head), ("POST", .post), ("PUT", .put), ("DELETE", .delete),
        ("PATCH", .patch), ("OPTIONS", .options), ("TRACE", .trace), ("CONNECT", .connect), ("QUERY", .query),
        ("Get", .other("Get")), ("BREW", .other("BREW")),
    ])
    func methodFromString(token: String, method: HTTPMethod) {
        #expect(HTTPMethod(token) == method)
        #expect(method.rawValue == token)
        #expect(method.description == token)
    }

    @Test func versionDescriptionAndSemantics() {
        #expect(HTTPVersion.http1_0.description == "HTTP/1.0")
        #expect(HTTPVersion.http1_1.description == "HTTP/1.1")
        #expect(!HTTPVersion.http1_0.isHTTP11OrLater)
        #expect(HTTPVersion.http1_1.isHTTP11OrLater)
        #expect(HTTPVersion(major: 1, minor: 9).isHTTP11OrLater)
    }
}

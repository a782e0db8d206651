import HTTP
import Server
import Testing

@Suite("Connection: parser limits and maxConnections")
struct ConnectionLimitsTests {
    private static let smallLimits = ParserLimits(
        maxRequestLineLength: 64, maxFieldLineLength: 64, maxHeaderBlockLength: 256,
        maxFieldCount: 8, maxBodyLength: 100)

    /// Sends `request` to a server with small limits; returns the response, what followed it, and
    /// how often the handler ran.
    private func refused(_ request: String) async throws -> (TestResponse, (bytes: [UInt8], end: StreamEnd), Int) {
        let calls = Counter()
        var result: (TestResponse, (bytes: [UInt8], end: StreamEnd))?
        try await withServer({ $0.limits = Self.smallLimits }, handler: { _, _ in
            calls.increment()
            return HTTPResponse(status: .ok)
        }) { server in
            let client = try server.connect()
            try client.send(request)
            let response = try client.readResponse()
            result = (response, client.readUntilClose())
        }
        let (response, rest) = try #require(result)
        return (response, rest, calls.current)
    }

    @Test func requestLineOverTheLimitGets414() async throws {
        // given / when
        let (response, rest, calls) = try await refused(get("/" + String(repeating: "a", count: 100)))
        // then
        expectProblem(response, status: 414)
        #expect(rest.end == .eof)
        #expect(calls == 0)
    }

    @Test func fieldLineOverTheLimitGets431() async throws {
        // given / when
        let (response, rest, calls) = try await refused(get("/", "X-Long: " + String(repeating: "b", count: 100)))
        // then
        expectProblem(response, status: 431)
        #expect(rest.end == .eof)
        #expect(calls == 0)
    }

    @Test func headerBlockOverTheLimitGets431() async throws {
        // given: six lines within the line limit, together over the block limit
        let lines = (1...6).map { "X-Field-\($0): " + String(repeating: "c", count: 40) }
        // when
        let (response, rest, calls) = try await refused("GET / HTTP/1.1\r\nHost: test\r\n" + lines.map { $0 + "\r\n" }.joined() + "\r\n")
        // then
        expectProblem(response, status: 431)
        #expect(rest.end == .eof)
        #expect(calls == 0)
    }

    @Test func tooManyFieldsGets431() async throws {
        // given: ten short fields (and Host) against a limit of eight
        let lines = (1...10).map { "X-\($0): v\r\n" }.joined()
        // when
        let (response, rest, calls) = try await refused("GET / HTTP/1.1\r\nHost: test\r\n" + lines + "\r\n")
        // then
        expectProblem(response, status: 431)
        #expect(rest.end == .eof)
        #expect(calls == 0)
    }

    @Test func declaredBodyOverTheLimitGets413BeforeAnyBodyIsSent() async throws {
        // given
        try await withServer({ $0.limits = Self.smallLimits }, handler: Handlers.echoBody) { server in
            let client = try server.connect()
            // when: only the head; the client keeps the connection open and sends nothing more
            try client.send("POST /upload HTTP/1.1\r\nHost: test\r\nContent-Length: 1000\r\n\r\n")
            let response = try client.readResponse()
            let rest = client.readUntilClose()
            // then: answered on the head alone, then closed
            expectProblem(response, status: 413)
            #expect(problemType(response.text) == "/problems/payload_too_large")
            #expect(rest.bytes.isEmpty)
            #expect(rest.end == .eof)
        }
    }

    @Test func chunkedBodyOverTheLimitGets413() async throws {
        // given: 60 + 60 decoded bytes against a limit of 100
        let chunk = String(repeating: "d", count: 60)
        let request = "POST /upload HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "3c\r\n\(chunk)\r\n3c\r\n\(chunk)\r\n0\r\n\r\n"
        // when
        let (response, rest, calls) = try await refused(request)
        // then
        expectProblem(response, status: 413)
        #expect(rest.end == .eof)
        #expect(calls == 0)
    }

    @Test func bodiesWithinTheLimitsAreAccepted() async throws {
        // given
        try await withServer({ $0.limits = Self.smallLimits }, handler: Handlers.echoBody) { server in
            let client = try server.connect()
            let body = String(repeating: "e", count: 100)
            // when: exactly at the limit, declared and chunked
            try client.send(post("/", body: body))
            let declared = try client.readResponse()
            try client.send("POST / HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n\(body)\r\n0\r\n\r\n")
            let chunked = try client.readResponse()
            // then
            #expect(declared.status == 200)
            #expect(declared.text == body)
            #expect(chunked.status == 200)
            #expect(chunked.text == body)
        }
    }

    @Test func connectionBeyondMaxConnectionsWaitsUntilOneCloses() async throws {
        // given: two connections held open (idle after one request each)
        try await withServer({ $0.maxConnections = 2 }, handler: Handlers.echoPath) { server in
            let held1 = try server.connect()
            let held2 = try server.connect()
            try held1.send(get("/held1"))
            try held2.send(get("/held2"))
            #expect(try held1.readResponse().text == "/held1")
            #expect(try held2.readResponse().text == "/held2")
            // when: a third connects and sends a request
            let third = try server.connect()  // the kernel completes the handshake: it waits in the backlog
            try third.send(get("/third"))
            // then: no answer while both are held
            third.setReceiveTimeout(.milliseconds(300))
            let whileFull = third.readUntilClose()
            #expect(whileFull.bytes.isEmpty)
            #expect(whileFull.end == .timedOut)
            #expect(server.openConnections == 2)
            // when: one held connection closes
            held1.close()
            third.setReceiveTimeout(TestClient.defaultTimeout)
            let response = try third.readResponse()
            // then
            #expect(response.status == 200)
            #expect(response.text == "/third")
            #expect(try { try held2.send(get("/again")); return try held2.readResponse().text }() == "/again")
        }
    }
}

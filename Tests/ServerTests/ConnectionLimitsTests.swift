import HTTP
@testable import Server
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
        // given: two connections held open, each with a request begun (not idle), under a header
        // timeout no slow machine reaches before the test is done
        try await withServer({ $0.maxConnections = 2; $0.headerReadTimeout = .seconds(120) }, handler: Handlers.echoPath) { server in
            let held1 = try server.connect()
            let held2 = try server.connect()
            try held1.send("GET /held1 HTTP/1.1\r\n")
            try held2.send("GET /held2 HTTP/1.1\r\n")
            // (seen begun by the server: one it has read nothing from for a second may give way)
            #expect(await eventuallyAwaiting { await server.activity().readingHead == 2 })
            // when: a third connects and sends a request
            let third = try server.connect()  // the kernel completes the handshake: it waits in the backlog
            try third.send(get("/third"))
            // then: the server has seen it and, full, stopped accepting; no answer while both are held
            #expect(await eventuallyAwaiting { await server.activity().acceptPaused >= 1 })
            #expect(!third.waitReadable(milliseconds: 0), "answered while the server was full")
            #expect(server.openConnections == 2)
            // when: one held connection closes
            held1.close()
            let response = try third.readResponse()
            // then
            #expect(response.status == 200)
            #expect(response.text == "/third")
            #expect(try { try held2.send("Host: x\r\n\r\n"); return try held2.readResponse().text }() == "/held2")
        }
    }

    @Test("given a full server whose connections are idle keep-alive ones, when a new client comes, then the longest idle is closed to make room and the client is answered at once")
    func idleConnectionsGiveWayWhenFull() async throws {
        try await withServer({ $0.maxConnections = 2; $0.loopCount = 1 }, handler: Handlers.echoPath) { server in
            // given: two connections idle after one request each, the first idle longer
            let older = try server.connect()
            try older.send(get("/older"))
            #expect(try older.readResponse().text == "/older")
            let newer = try server.connect()
            try newer.send(get("/newer"))
            #expect(try newer.readResponse().text == "/newer")
            // when: a third connects and sends a request
            let third = try server.connect()
            try third.send(get("/third"))
            // then: it is answered, the older idle one was closed, and the newer still serves
            #expect(try third.readResponse().text == "/third")
            #expect(older.readUntilClose().end == .eof)
            #expect(try { try newer.send(get("/again")); return try newer.readResponse().text }() == "/again")
            #expect(server.openConnections == 2)
        }
    }

    @Test("given a full server with no idle connection when a newcomer comes, when connections go idle later, then one is closed for it and it is answered")
    func newcomerWaitsForAConnectionToGoIdle() async throws {
        try await withServer({ $0.maxConnections = 2; $0.loopCount = 1 }, handler: Handlers.echoPath) { server in
            // given: two connections each with a request begun, and a newcomer waiting
            let first = try server.connect()
            let second = try server.connect()
            try first.send("GET /first HTTP/1.1\r\n")
            try second.send("GET /second HTTP/1.1\r\n")
            #expect(await eventuallyAwaiting { await server.activity().readingHead == 2 })
            let newcomer = try server.connect()
            try newcomer.send(get("/newcomer"))
            // the loop has seen the newcomer and, full, stopped accepting
            #expect(await eventuallyAwaiting { await server.activity().acceptPaused == 1 })
            #expect(!newcomer.waitReadable(milliseconds: 0), "answered while no connection could give way")
            // when: both finish their requests and stay open, idle
            try first.send("Host: x\r\n\r\n")
            try second.send("Host: x\r\n\r\n")
            #expect(try first.readResponse().text == "/first")
            #expect(try second.readResponse().text == "/second")
            // then
            #expect(try newcomer.readResponse().text == "/newcomer")
        }
    }

    @Test("given a full server whose only connection has sent nothing for over a second, when a newcomer comes, then that one gives way and the newcomer is answered")
    func silentConnectionGivesWay() async throws {
        // (a header timeout far past the test's, so that only giving way can free the place)
        try await withServer({ $0.maxConnections = 1; $0.loopCount = 1; $0.headerReadTimeout = .seconds(120) }, handler: Handlers.echoPath) { server in
            // given: a connection that sends nothing
            let silent = try server.connect()
            #expect(await eventually { server.openConnections == 1 })
            // when: a newcomer
            let newcomer = try server.connect()
            try newcomer.send(get("/newcomer"))
            // then: once the silent one has waited its second, it is closed and the newcomer answered
            #expect(try newcomer.readResponse().text == "/newcomer")
            #expect(silent.readUntilClose().end == .eof)
        }
    }

    @Test("given a full server whose only connection has just connected and sent nothing yet, when a newcomer comes, then that one does not give way: the newcomer waits")
    func freshConnectionDoesNotGiveWay() async throws {
        // (a grace and a header timeout far past the test's: the silent one stays fresh throughout)
        try await withServer({
            $0.maxConnections = 1
            $0.loopCount = 1
            $0.headerReadTimeout = .seconds(120)
            $0.freshConnectionGrace = .seconds(300)
        }, handler: Handlers.echoPath) { server in
            // given: a connection that sends nothing
            let silent = try server.connect()
            #expect(await eventually { server.openConnections == 1 })
            // when: a newcomer
            let newcomer = try server.connect()
            try newcomer.send(get("/newcomer"))
            // then: the loop has seen it and, with no connection giving way, stopped accepting;
            // after it has looked for room three times (every 100 ms), the fresh one is still open
            // (closed at any look, its FIN would be in its socket by now) and the newcomer unanswered
            #expect(await eventuallyAwaiting { await server.activity().acceptPaused == 1 })
            #expect(await eventuallyAwaiting { await server.activity().roomSearches >= 3 || silent.waitReadable(milliseconds: 0) })
            #expect(!silent.waitReadable(milliseconds: 0), "the fresh connection was closed")
            #expect(server.openConnections == 1)
            #expect(!newcomer.waitReadable(milliseconds: 0), "a connection that had just connected gave way")
            // and: once the silent one leaves, the newcomer is answered
            silent.close()
            #expect(try newcomer.readResponse().text == "/newcomer")
        }
    }

    @Test("given a full server of two loops, one with only busy connections and the other with idle ones, when a newcomer waits at the busy loop, then the other closes an idle one for it and it is answered")
    func idleConnectionsGiveWayAcrossLoops() async throws {
        let loopOf: Handler = { _, context in HTTPResponse(status: .ok, body: Array(String(context.loopIndex).utf8)) }
        try await withServer({ $0.maxConnections = 8; $0.loopCount = 2 }, handler: loopOf) { server in
            // given: eight connections, those on loop 1 idle (one at least), those on loop 0 busy
            // with a request begun (the kernel picks the loop: a busy one is let go for another
            // try while none is idle)
            var held: [TestClient] = []
            var idleAtLoop1 = 0
            for _ in 0..<64 where held.count < 8 || idleAtLoop1 == 0 {
                if held.count == 8 {
                    held.removeLast().close()
                    #expect(await eventually { server.openConnections == 7 })
                }
                let client = try server.connect()
                try client.send(get("/which"))
                if try client.readResponse().text == "0" {
                    try client.send("GET /busy HTTP/1.1\r\n")
                } else {
                    idleAtLoop1 += 1
                }
                held.append(client)
            }
            try #require(held.count == 8 && idleAtLoop1 > 0)
            // when: newcomers (kept alive, so the server stays full) until one waits at loop 0
            var servedAtBusyLoop = false
            for _ in 0..<16 where !servedAtBusyLoop {
                let newcomer = try server.connect()
                try newcomer.send(get("/which"))
                // then: each is answered, at loop 0 only through loop 1's idle connection
                let loop = try newcomer.readResponse().text
                servedAtBusyLoop = loop == "0"
                held.append(newcomer)
            }
            #expect(servedAtBusyLoop, "no newcomer went to loop 0 in sixteen (the kernel's choice): nothing was checked")
        }
    }
}

import HTTP
import Server
import Testing

@Suite("Connection: keep-alive and the Connection field")
struct ConnectionKeepAliveTests {
    /// Answers with `<connectionID> <requestNumber>`.
    private static let identify: Handler = { _, context in
        HTTPResponse(status: .ok, contentType: "text/plain", text: "\(context.connectionID) \(context.requestNumber)")
    }

    private static func identity(_ response: TestResponse) -> (connection: String, number: Int?) {
        let parts = response.text.split(separator: " ")
        return (parts.first.map(String.init) ?? "", parts.count == 2 ? Int(parts[1]) : nil)
    }

    @Test func threeHundredSequentialRequestsShareOneConnectionAndCountUp() async throws {
        // given
        try await withServer(handler: Self.identify) { server in
            let client = try server.connect()
            var statuses: [Int] = []
            var connectionIDs: Set<String> = []
            var numbers: [Int?] = []
            // when
            for i in 1...300 {
                try client.send(get("/r\(i)"))
                let response = try client.readResponse()
                statuses.append(response.status)
                let (connection, number) = Self.identity(response)
                connectionIDs.insert(connection)
                numbers.append(number)
                #expect(response[header: "Connection"] == nil)
            }
            // then
            #expect(statuses == Array(repeating: 200, count: 300))
            #expect(connectionIDs.count == 1)
            #expect(numbers == Array(1...300).map { Optional($0) })
            #expect(server.openConnections == 1)
        }
    }

    @Test func connectionCloseOnHTTP11IsEchoedAndTheServerCloses() async throws {
        // given
        try await withServer(handler: Self.identify) { server in
            let client = try server.connect()
            // when
            try client.send(get("/", "Connection: close"))
            let response = try client.readResponse()
            let rest = client.readUntilClose()
            // then
            #expect(response.status == 200)
            #expect(response[header: "Connection"] == "close")
            #expect(rest.bytes.isEmpty)
            #expect(rest.end == .eof)
        }
    }

    /// Sends `bytes` (a request the connection must end with, then one more) and checks that the
    /// first alone is answered, with `Connection: close`, and the connection then closed.
    private static func expectAnsweredOnceThenClosed(_ bytes: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        // given
        let calls = Counter()
        try await withServer(handler: { request, context in
            calls.increment()
            return try await Self.identify(request, context)
        }) { server in
            let client = try server.connect()
            // when
            try client.send(bytes)
            let response = try client.readResponse()
            let rest = client.readUntilClose()
            // then
            #expect(response[header: "Connection"] == "close", sourceLocation: sourceLocation)
            #expect(rest.bytes.isEmpty, sourceLocation: sourceLocation)
            #expect(rest.end == .eof, sourceLocation: sourceLocation)
            #expect(calls.current == 1, sourceLocation: sourceLocation)
        }
    }

    @Test func requestsPipelinedAfterConnectionCloseAreNotAnswered() async throws {
        try await Self.expectAnsweredOnceThenClosed(get("/last", "Connection: close") + get("/ignored"))
    }

    /// What follows a CONNECT is the tunnel's bytes as the client means them (RFC 9110 §9.3.6),
    /// not a request: the connection closes after the answer, whatever the handler says.
    @Test func connectIsAnsweredAndTheConnectionClosed() async throws {
        // a CONNECT with a body, then bytes that read as a request
        try await Self.expectAnsweredOnceThenClosed(
            "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nContent-Length: 3\r\n\r\nabc" + get("/smuggled"))
    }

    @Test func http10WithoutKeepAliveIsClosedAfterTheResponse() async throws {
        // given
        try await withServer(handler: Self.identify) { server in
            let client = try server.connect()
            // when
            try client.send("GET / HTTP/1.0\r\n\r\n")
            let response = try client.readResponse()
            let rest = client.readUntilClose()
            // then
            #expect(response.status == 200)
            #expect(response[header: "Connection"]?.lowercased() != "keep-alive")
            #expect(rest.bytes.isEmpty)
            #expect(rest.end == .eof)
        }
    }

    @Test func http10WithKeepAliveStaysOpenAndSaysSo() async throws {
        // given
        try await withServer(handler: Self.identify) { server in
            let client = try server.connect()
            // when
            try client.send("GET /1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let first = try client.readResponse()
            try client.send("GET /2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let second = try client.readResponse()
            // then
            #expect(first.status == 200)
            #expect(first[header: "Connection"] == "keep-alive")
            #expect(second.status == 200)
            #expect(second[header: "Connection"] == "keep-alive")
            #expect(Self.identity(first).connection == Self.identity(second).connection)
            #expect(Self.identity(second).number == 2)
        }
    }

    @Test func http10KeepAliveEndsWhenTheClientStopsAskingForIt() async throws {
        // given
        try await withServer(handler: Self.identify) { server in
            let client = try server.connect()
            try client.send("GET /1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            _ = try client.readResponse()
            // when
            try client.send("GET /2 HTTP/1.0\r\n\r\n")
            let second = try client.readResponse()
            let rest = client.readUntilClose()
            // then
            #expect(second.status == 200)
            #expect(second[header: "Connection"] == "close")
            #expect(rest.end == .eof)
        }
    }

    @Test func idleTimeoutStillAppliesAfterAResponseTheClientReadSlowly() async throws {
        // given: a response far larger than the socket buffers, so the server must wait for the
        // client to read it (under the write timer) before the connection becomes idle
        let body = [UInt8](repeating: 0x61, count: 8 << 20)
        try await withServer({
            $0.idleTimeout = .milliseconds(300)
            $0.maxPendingOutput = 64 << 20
        }, handler: { _, _ in HTTPResponse(status: .ok, body: body) }) { server in
            let client = try server.connect(receiveBufferSize: 16 * 1024)
            try client.send(get("/big"))
            _ = client.waitReadable(milliseconds: 200)  // let the server fill the buffers and block
            // when
            let response = try client.readResponse()
            let rest = client.readUntilClose()
            // then: the idle connection is closed silently, as after any other response
            #expect(response.status == 200)
            #expect(response.body.count == body.count)
            #expect(rest.bytes.isEmpty)
            #expect(rest.end == .eof)
        }
    }
}

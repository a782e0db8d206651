import HTTP
import Server
import Testing

@Suite("Connection: malformed requests")
struct ConnectionMalformedRequestTests {
    /// Sends `request` on a fresh connection; expects a problem response with `status`, then EOF,
    /// and that the handler never ran.
    private func expectRefused(_ request: String, status: Int, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let calls = Counter()
        try await withServer(handler: { _, _ in
            calls.increment()
            return HTTPResponse(status: .ok)
        }) { server in
            let client = try server.connect()
            try client.send(request)
            let response = try client.readResponse()
            let rest = client.readUntilClose()
            expectProblem(response, status: status, sourceLocation: sourceLocation)
            #expect(rest.bytes.isEmpty, sourceLocation: sourceLocation)
            #expect(rest.end == .eof, sourceLocation: sourceLocation)
        }
        #expect(calls.current == 0, sourceLocation: sourceLocation)
    }

    @Test func aRefusedHeadRequestGetsItsStatusAndHeadersButNoContent() async throws {
        // given: a HEAD whose chunked body is malformed
        try await withServer(handler: { _, _ in HTTPResponse(status: .ok) }) { server in
            let client = try server.connect()
            // when
            try client.send("HEAD / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
            let raw = String(decoding: client.readUntilClose().bytes, as: UTF8.self)
            // then: the 400's head, Content-Length as a GET would get, and nothing after it
            #expect(raw.hasPrefix("HTTP/1.1 400 "))
            #expect(raw.lowercased().contains("content-length: "))
            #expect(raw.hasSuffix("\r\n\r\n"), "\(raw)")
        }
    }

    @Test(arguments: [
        ("Content-Length: 2000000\r\n", "413"), ("Expect: foo\r\n", "417"), ("Transfer-Encoding: gzip, chunked\r\n", "501"),
        ("Host: y\r\n", "400"),
    ])
    func aHeadRequestWhoseHeadIsRefusedGetsNoContent(field: String, status: String) async throws {
        // given: a HEAD the server refuses on its head alone (a body too large, an expectation
        // or a coding it does not meet, a second Host)
        try await withServer(handler: { _, _ in HTTPResponse(status: .ok) }) { server in
            let client = try server.connect()
            // when
            try client.send("HEAD / HTTP/1.1\r\nHost: x\r\n\(field)\r\n")
            let raw = String(decoding: client.readUntilClose().bytes, as: UTF8.self)
            // then: the refusal's head and nothing after it
            #expect(raw.hasPrefix("HTTP/1.1 \(status) "), "\(raw)")
            #expect(raw.lowercased().contains("content-length: "))
            #expect(raw.hasSuffix("\r\n\r\n"), "\(raw)")
        }
    }

    @Test func aTargetWithTextNotPercentEncodedGets400SayingToEncodeIt() async throws {
        // given: a target with a raw non-ASCII character, as a copied README placeholder (…) sends it
        try await withServer(handler: { _, _ in HTTPResponse(status: .ok) }) { server in
            let client = try server.connect()
            // when
            try client.send("GET /items?cursor=… HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try client.readResponse()
            // then
            #expect(response.status == 400)
            let body = String(decoding: response.body, as: UTF8.self)
            #expect(body.contains("percent-encode"), "\(body)")
            // the gateway's title for the same code, not the reason phrase
            #expect(body.contains(#""title":"Invalid request""#), "\(body)")
        }
    }

    @Test func bareLineFeedsGet400() async throws {
        // given / when / then
        try await expectRefused("GET / HTTP/1.1\nHost: x\n\n", status: 400)
    }

    @Test func contentLengthWithTransferEncodingGets400() async throws {
        // given / when / then
        try await expectRefused(
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", status: 400)
    }

    @Test func obsoleteLineFoldingGets400() async throws {
        // given / when / then
        try await expectRefused("GET / HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n", status: 400)
    }

    @Test func http2VersionGets505() async throws {
        // given / when / then
        try await expectRefused("GET / HTTP/2.0\r\nHost: x\r\n\r\n", status: 505)
    }

    @Test func unknownTransferCodingBeforeChunkedGets501() async throws {
        // given / when / then
        try await expectRefused("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", status: 501)
    }

    @Test func transferCodingNotEndingInChunkedGets400() async throws {
        // given / when / then: RFC 9112 §6.3 ¶4, the length cannot be known
        try await expectRefused("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", status: 400)
    }

    @Test func errorResponseReachesAClientThatKeepsSendingItsBody() async throws {
        // given: a refused head followed by 2 MiB the server will never parse (and drains for as
        // long as the client may take to send them)
        try await withServer({ $0.lingerTimeout = .seconds(60) }, handler: Handlers.ok) { server in
            let client = try server.connect()
            let head = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 12abc\r\n\r\n"
            // when: the client sends everything before reading
            var sendError: TestClientError?
            do {
                try client.send(bytes(head) + [UInt8](repeating: 0x78, count: 2 << 20))
            } catch let error as TestClientError {
                sendError = error
            }
            let response = try client.readResponse()
            // then: the server drained the input instead of resetting, so the answer is readable
            #expect(sendError == nil, "\(sendError.map(String.init(describing:)) ?? "")")
            expectProblem(response, status: 400)
        }
    }

    @Test func malformedRequestAfterAGoodOneOnTheSameConnectionGetsItsOwn400() async throws {
        // given
        try await withServer(handler: Handlers.echoPath) { server in
            let client = try server.connect()
            // when: a good request and a bad one pipelined
            try client.send(get("/good") + "GET /bad HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n")
            let good = try client.readResponse()
            let bad = try client.readResponse()
            let rest = client.readUntilClose()
            // then
            #expect(good.status == 200)
            #expect(good.text == "/good")
            expectProblem(bad, status: 400)
            #expect(rest.end == .eof)
        }
    }

    @Test func thousandMalformedRequestsLeaveTheServerHealthy() async throws {
        // given
        let requests = [
            "GET / HTTP/1.1\nHost: x\n\n",
            "GET / HTTP/2.0\r\nHost: x\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n",
            "\u{1}\u{2}\u{3} garbage\r\n\r\n",
            "GET / HTTP/1.1\r\n\r\n",
        ]
        try await withServer(handler: Handlers.echoPath) { server in
            var statuses: [Int: Int] = [:]
            // when: each on its own connection; half read the answer, half hang up at once
            for i in 0..<1000 {
                let client = try server.connect()
                try? client.send(requests[i % requests.count])
                if i % 2 == 0 {
                    let response = try client.readResponse()
                    statuses[response.status, default: 0] += 1
                    client.close()
                } else if i % 4 == 1 {
                    client.close()
                } else {
                    client.resetClose()
                }
            }
            let good = try server.connect()
            try good.send(get("/after"))
            let response = try good.readResponse()
            good.close()
            // then
            #expect(Set(statuses.keys) == [400, 505])
            #expect(statuses.values.reduce(0, +) == 500)
            #expect(response.status == 200)
            #expect(response.text == "/after")
            #expect(await server.waitUntilNoConnections(), "connections still open: \(server.openConnections)")
        }
    }
}

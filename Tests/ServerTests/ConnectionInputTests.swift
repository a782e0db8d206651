import Foundation
import HTTP
import Server
import Testing

@Suite("Connection: reading requests in pieces, chunked bodies, 100-continue")
struct ConnectionInputTests {
    @Test func requestArrivingOneByteAtATimeIsAnsweredCorrectly() async throws {
        // given
        let handler: Handler = { request, _ in
            HTTPResponse(status: .ok, headers: ["X-Path": request.path, "X-Header": request.headers["X-Custom"] ?? "-"],
                         body: Array(request.body))
        }
        try await withServer(handler: handler) { server in
            let client = try server.connect()
            let body = "The quick brown fox jumps over the lazy dog."
            // when: every byte its own segment (TCP_NODELAY, a short pause between sends)
            try client.sendByteByByte(bytes(post("/drip?x=1", body: body, "X-Custom: dripped")))
            let response = try client.readResponse()
            // and a second request on the same connection, also dripped
            try client.sendByteByByte(bytes(get("/second")))
            let second = try client.readResponse()
            // then
            #expect(response.status == 200)
            #expect(response[header: "X-Path"] == "/drip")
            #expect(response[header: "X-Header"] == "dripped")
            #expect(response.text == body)
            #expect(second.status == 200)
            #expect(second[header: "X-Path"] == "/second")
            #expect(second.body.isEmpty)
        }
    }

    @Test func bodyOfTheFullAllowedLengthArrivesIntact() async throws {
        // given: 1 MiB (the default limit) of varied bytes
        let body = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ ($0 >> 9)) }
        try await withServer(handler: Handlers.echoBody) { server in
            let client = try server.connect()
            // when
            try client.send(bytes("POST /upload HTTP/1.1\r\nHost: test\r\nContent-Length: \(body.count)\r\n\r\n") + body)
            let response = try client.readResponse()
            // then
            #expect(response.status == 200)
            #expect(response.body.count == body.count)
            let same = response.body == body  // outside #expect: a diff of a megabyte takes minutes
            #expect(same)
        }
    }

    @Test func chunkedBodyWithExtensionsAndTrailersReachesTheHandlerDecoded() async throws {
        // given
        try await withServer(handler: Handlers.echoBody) { server in
            let client = try server.connect()
            let request = "POST /upload HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n"
                + "7;name=\"quoted; value\";flag\r\n, world\r\n"
                + "000B\r\n from Swift\r\n"
                + "0\r\nX-Trailer: yes\r\nX-Other: 1\r\n\r\n"
            // when: the whole request, then the same split into small pieces
            try client.send(request)
            let whole = try client.readResponse()
            for piece in bytes(request).chunks(of: 7) { try client.send(piece) }
            let split = try client.readResponse()
            try client.send(get("/after"))
            let after = try client.readResponse()
            // then
            #expect(whole.status == 200)
            #expect(whole.text == "hello, world from Swift")
            #expect(split.text == "hello, world from Swift")
            #expect(after.status == 200)
            #expect(after.body.isEmpty)
        }
    }

    @Test func expectContinueGetsAnInterimResponseBeforeTheBodyIsSent() async throws {
        // given
        try await withServer(handler: Handlers.echoBody) { server in
            let client = try server.connect()
            // when: only the head is sent
            try client.send("POST /upload HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
            let interim = try client.readResponse()
            try client.send("hello")
            let final = try client.readResponse()
            // then
            #expect(interim.statusLine == "HTTP/1.1 100 Continue")
            #expect(interim.body.isEmpty)
            #expect(final.status == 200)
            #expect(final.text == "hello")
        }
    }

    @Test func expectContinueWithATooLargeBodyGets413AndNoInterimResponse() async throws {
        // given
        let calls = Counter()
        try await withServer({ $0.limits.maxBodyLength = 100 }, handler: { request, context in
            calls.increment()
            return try await Handlers.echoBody(request, context)
        }) { server in
            let client = try server.connect()
            // when
            try client.send("POST /upload HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 101\r\n\r\n")
            let response = try client.readResponse()
            let rest = client.readUntilClose()
            // then: the first thing the client hears is the 413, and nothing follows it
            expectProblem(response, status: 413)
            #expect(rest.bytes.isEmpty)
            #expect(rest.end == .eof)
            #expect(calls.current == 0)
        }
    }

    @Test func aBodyAnnouncedButNotSentTakesNoMemoryForItsLength() async throws {
        // given / when: 60 clients each announce 64 MiB and send one byte of it
        let held = try await Self.inputBuffers(clients: 60, sending: 1)
        // then: each connection holds the room every body is given up front (64 KiB and the
        // head), nowhere near the 64 MiB announced (3.75 GiB in all)
        #expect(held < 60 * (128 << 10), "\(held >> 10) KiB held")
    }

    @Test func aBodyPastItsFirst64KiBGrowsWithWhatArrivesNotToItsAnnouncedLength() async throws {
        // given / when: 48 clients each announce 64 MiB and send 64 KiB and 4 KiB more of it
        let held = try await Self.inputBuffers(clients: 48, sending: (64 << 10) + 4096)
        // then: each holds about twice what arrived at most (a buffer grows by doubling), far
        // from the 64 MiB announced (3 GiB in all)
        #expect(held < 48 * (256 << 10), "\(held >> 10) KiB held")
    }

    /// The memory a server allowing bodies of 64 MiB, on one loop, holds for its connections'
    /// input (`ServerActivity.inputBufferBytes`: its own count, which no other test moves) once
    /// it took `clients` requests announcing 64 MiB and sending `bytes` of it; measured once
    /// requests after them were answered one after another, each a turn of the loop that reads
    /// every connection's bytes at hand.
    private static func inputBuffers(clients count: Int, sending bytes: Int) async throws -> Int {
        var held = 0
        try await withServer({
            $0.limits.maxBodyLength = 64 << 20
            $0.loopCount = 1
        }, handler: Handlers.echoBody) { server in
            var clients: [TestClient] = []
            for _ in 0..<count {
                let client = try server.connect()
                try client.send("POST /upload HTTP/1.1\r\nHost: test\r\nContent-Length: \(64 << 20)\r\n\r\n")
                try client.send([UInt8](repeating: 0x61, count: bytes))
                clients.append(client)
            }
            let probe = try server.connect()
            for _ in 0..<20 {
                try probe.send(post("/upload", body: "ok"))
                #expect(try probe.readResponse().text == "ok")
            }
            // every request's head was read: each connection is receiving its body
            #expect(await eventuallyAwaiting { await server.activity().receivingBody == count })
            held = await server.activity().inputBufferBytes
            for client in clients { client.close() }
        }
        return held
    }

    @Test func expectContinueIsNotSentWhenTheBodyAlreadyFollowsTheHead() async throws {
        // given
        try await withServer(handler: Handlers.echoBody) { server in
            let client = try server.connect()
            // when: head and body in one send
            try client.send("POST /upload HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello")
            let response = try client.readResponse()
            // then: the final response comes first; an interim one would be pointless
            #expect(response.status == 200)
            #expect(response.text == "hello")
        }
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    func chunks(of size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}

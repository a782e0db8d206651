import HTTP
import Server
import Testing

/// Room for request bodies on a loop (`maxLoopBodyBytes`): bodies that would go past it wait,
/// unread, so slow uploads cannot make the server hold more than that.
@Suite("Connection: room for request bodies on a loop")
struct ConnectionBodyRoomTests {
    private static let echoLength: Handler = { request, _ in
        HTTPResponse(status: .ok, body: Array("\(request.body.count)".utf8))
    }

    /// A server of one loop (so every connection shares one room) with `bytes` of body room,
    /// answering each body with its length.
    private func withBodyRoom(_ bytes: Int, _ configure: (inout ServerConfiguration) -> Void = { _ in },
                              _ body: (TestServer) async throws -> Void) async throws {
        try await withServer({
            $0.loopCount = 1
            $0.maxLoopBodyBytes = bytes
            configure(&$0)
        }, handler: Self.echoLength, body)
    }

    /// Waits until the server holds `count` bodies waiting for room, or `client` has something
    /// to read (an answer that should not have come yet, which the caller's expectation catches):
    /// the server has then read the heads and decided, so what it did not answer it holds back.
    private func awaitingRoom(_ server: TestServer, _ count: Int, unless client: TestClient) async -> Bool {
        await eventuallyAwaiting {
            if client.waitReadable(milliseconds: 0) { return true }
            return await server.activity().awaitingBodyRoom == count
        }
    }

    private static func head(_ length: Int) -> String {
        "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: \(length)\r\n\r\n"
    }

    /// A connection whose body of `length` bytes holds its room, then `first` of it: the head
    /// asks for `100 Continue`, which the server sends once it has taken the room, so what comes
    /// after is known to come after it, however slowly this machine runs.
    private func holder(_ server: TestServer, length: Int, first: String) throws -> TestClient {
        let client = try server.connect()
        try client.send("POST /upload HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: \(length)\r\n\r\n")
        #expect(try client.readResponse().statusLine == "HTTP/1.1 100 Continue")
        try client.send(first)
        return client
    }

    @Test("given room for one 80 kB body, when a second arrives whole while the first is still coming, then the second waits unanswered until the first is in, and both succeed")
    func secondBodyWaits() async throws {
        try await withBodyRoom(100_000) { server in
            // given: the first body has begun
            let first = try holder(server, length: 80_000, first: String(repeating: "a", count: 10))
            // when: a second comes whole
            let second = try server.connect()
            try second.send(Self.head(80_000) + String(repeating: "b", count: 80_000))
            // then: its head is read and its body waits, unanswered, until the first body is complete
            #expect(await awaitingRoom(server, 1, unless: second))
            #expect(!second.waitReadable(milliseconds: 0), "the second body was read while the first held the room")
            try first.send(String(repeating: "a", count: 79_990))
            let firstResponse = try first.readResponse()
            let secondResponse = try second.readResponse()
            #expect(firstResponse.status == 200 && firstResponse.text == "80000")
            #expect(secondResponse.status == 200 && secondResponse.text == "80000")
        }
    }

    @Test("given the room held by a large body, when a small chunked body arrives, then it is taken at once; a chunked body past 64 KiB waits for room for the largest body")
    func chunkedBodies() async throws {
        try await withBodyRoom(250_000, { $0.limits.maxBodyLength = 200_000 }) { server in
            // given: 100 kB of the room held by a body still coming
            let holder = try holder(server, length: 100_000, first: "h")
            // when: a small chunked body comes
            let small = try server.connect()
            try small.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
            // then: it does not wait
            #expect(try small.readResponse().text == "5")
            // when: a chunked body of 150 kB comes, more than its first 64 KiB
            let large = try server.connect()
            try large.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                           + String(150_000, radix: 16) + "\r\n" + String(repeating: "c", count: 150_000) + "\r\n0\r\n\r\n")
            // then: past 64 KiB it counts as 200 kB, which does not fit beside 100 kB, so it waits for the holder
            #expect(await awaitingRoom(server, 1, unless: large))
            #expect(!large.waitReadable(milliseconds: 0), "a chunked body past 64 KiB counts as the largest body allowed")
            try holder.send(String(repeating: "h", count: 99_999))
            #expect(try holder.readResponse().text == "100000")
            #expect(try large.readResponse().text == "150000")
        }
    }

    @Test("given a chunked body that passes 64 KiB in one read and stalls, then it holds room for the largest body, and a 90 kB body waits for it")
    func chunkedBodyReservesAsItCrosses64KiB() async throws {
        try await withBodyRoom(100_000, { $0.limits.maxBodyLength = 200_000 }) { server in
            let chunked = try server.connect()
            try chunked.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                             + String(130_000, radix: 16) + "\r\n" + String(repeating: "c", count: 130_000))
            // the server has read past 64 KiB of it: it holds room for the largest body
            #expect(await eventuallyAwaiting { await server.activity().bodyBytesReserved == 200_000 },
                    "the stalled chunked body took in 130 kB without asking for room")
            let sized = try server.connect()
            try sized.send(Self.head(90_000) + String(repeating: "s", count: 90_000))
            #expect(await awaitingRoom(server, 1, unless: sized))
            #expect(!sized.waitReadable(milliseconds: 0), "the 90 kB body was read beside the chunked body's room")
            try chunked.send("\r\n0\r\n\r\n")
            #expect(try chunked.readResponse().text == "130000")
            #expect(try sized.readResponse().text == "90000")
        }
    }

    @Test("given three bodies waiting in turn, when the first and then the middle one's clients reset, then the last is still taken once the room frees, and answered",
          .timeLimit(.minutes(1)))
    func waitersLeavingFromAnywhereKeepTheQueue() async throws {
        try await withBodyRoom(100_000) { server in
            // given: the room held by a body still coming, and three 70 kB bodies waiting behind it
            let holder = try holder(server, length: 80_000, first: "h")
            var waiting: [TestClient] = []
            for name in ["a", "b", "c"] {
                let client = try server.connect()
                try client.send(Self.head(70_000) + String(repeating: name, count: 70_000))
                waiting.append(client)
                #expect(await awaitingRoom(server, waiting.count, unless: client))  // in this order
            }
            #expect(await eventually { server.openConnections == 4 })
            #expect(!waiting[2].waitReadable(milliseconds: 0), "a 70 kB body was read beside the 80 kB holder")
            // when: the first waiter's client resets, then the middle one's, each seen by the server
            waiting[0].resetClose()
            #expect(await eventually { server.openConnections == 3 })
            waiting[1].resetClose()
            #expect(await eventually { server.openConnections == 2 })
            // then: the last is taken as soon as the holder's body is in
            try holder.send(String(repeating: "h", count: 79_999))
            #expect(try holder.readResponse().text == "80000")
            let last = try waiting[2].readResponse()
            #expect(last.status == 200 && last.text == "70000")
            // and the room works on for a body that comes after
            let later = try server.connect()
            try later.send(Self.head(90_000) + String(repeating: "d", count: 90_000))
            #expect(try later.readResponse().text == "90000")
        }
    }

    @Test("given a body holding the room that stalls, when its body timeout ends, then it gets the 408 and the body waiting behind it is taken and answered")
    func stalledHolderGivesWay() async throws {
        try await withBodyRoom(100_000, { $0.bodyReadTimeout = .seconds(1) }) { server in
            let stalled = try holder(server, length: 80_000, first: "a")
            let waiting = try server.connect()
            try waiting.send(Self.head(80_000) + String(repeating: "b", count: 80_000))
            expectProblem(try stalled.readResponse(), status: 408)
            let response = try waiting.readResponse()
            #expect(response.status == 200 && response.text == "80000")
        }
    }

    @Test("given a body that waited six seconds for room, when it is taken, then its body timeout (12 s) starts again: its body, sent once a timeout from its head has passed, is answered, not 408",
          .timeLimit(.minutes(1)))
    func waitingBodyGetsItsWholeTimeout() async throws {
        // Six seconds of margin on either side of the pause: a loaded machine's stalls stay inside them.
        try await withBodyRoom(100_000, { $0.bodyReadTimeout = .seconds(12) }) { server in
            // given: the room held, and a body waiting behind it (its head asks for 100 Continue,
            // which comes when it is taken)
            let holder = try holder(server, length: 80_000, first: String(repeating: "a", count: 10))
            let waiting = try server.connect()
            try waiting.send("POST /upload HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 80000\r\n\r\n")
            #expect(await awaitingRoom(server, 1, unless: waiting))
            #expect(!waiting.waitReadable(milliseconds: 0), "the waiting body was taken while the room was held")
            // and a probe: a small body (never waits) begun after that head, so its body timeout
            // ends no earlier than the one that started with the waiting head
            let probe = try server.connect()
            try probe.send("POST /upload HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n")
            #expect(try probe.readResponse().statusLine == "HTTP/1.1 100 Continue")
            // when: the waiting body is taken six seconds later (the pause only has to outlast
            // the client's few steps below, and stay well inside the timeout)
            try await Task.sleep(for: .seconds(6))
            try holder.send(String(repeating: "a", count: 79_990))
            #expect(try holder.readResponse().status == 200)
            #expect(try waiting.readResponse().statusLine == "HTTP/1.1 100 Continue")
            // and sends its body only once the probe has timed out: a timeout from the waiting
            // head is then over (the server saw it end), one from when it was taken is not
            expectProblem(try probe.readResponse(), status: 408)
            try waiting.send(String(repeating: "b", count: 80_000))
            // then
            let response = try waiting.readResponse()
            #expect(response.status == 200 && response.text == "80000", "\(response.statusLine)")
        }
    }

    @Test("given the room held by a large body, when a small body (64 KiB or less) arrives, then it is taken at once")
    func smallBodiesNeverWait() async throws {
        try await withBodyRoom(100_000) { server in
            let large = try holder(server, length: 90_000, first: "a")
            let small = try server.connect()
            try small.send(Self.head(30_000) + String(repeating: "s", count: 30_000))
            let response = try small.readResponse()
            #expect(response.status == 200 && response.text == "30000")
            // The large body holds the room until here.
            withExtendedLifetime(large) {}
        }
    }

    @Test("given a body larger than the whole room, when nothing else is being received, then it is taken alone")
    func oversizedBodyGoesAlone() async throws {
        try await withBodyRoom(10_000) { server in
            let client = try server.connect()
            try client.send(Self.head(200_000) + String(repeating: "d", count: 200_000))
            let response = try client.readResponse()
            #expect(response.status == 200 && response.text == "200000")
        }
    }
}

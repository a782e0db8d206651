import Glibc
import HTTP
import Server
import Testing

/// A client's FIN while its request is handled: a reader that gave up is let go, a writer and a
/// client that sent more first are answered.
@Suite("Connection: a half-close while a handler runs", .timeLimit(.minutes(1)))
struct ConnectionHalfCloseTests {
    /// A handler that waits until cancelled, or until `gate` opens, and counts what ended it.
    private static func waitingHandler(arrived: Counter, cancelled: Counter, gate: Gate) -> Handler {
        { request, _ in
            arrived.increment()
            if request.method == .get, request.path == "/slow" {
                try? await Task.sleep(for: .seconds(600))
            } else if request.path == "/slow" {
                await gate.wait()
            }
            if Task.isCancelled { cancelled.increment() }
            return HTTPResponse(status: .ok, contentType: "text/plain", text: request.path)
        }
    }

    @Test("given a GET waiting on its handler, when its client shuts its side with nothing more sent (empty lines aside, which begin no request), then the handler is cancelled and the connection closes unanswered",
          arguments: [("", false), ("\r\n", false), ("\r\n\r\n", false), ("\r\n", true)])
    func aReaderThatLeavesIsLetGo(emptyLines: String, seenBeforeTheFIN: Bool) async throws {
        let (arrived, cancelled, gate) = (Counter(), Counter(), Gate())
        // (no grace: a FIN at once is the client leaving)
        try await withServer({ $0.halfCloseGrace = .zero }, handler: Self.waitingHandler(arrived: arrived, cancelled: cancelled, gate: gate)) { server in
            // given
            let client = try server.connect()
            try client.send(get("/slow"))
            #expect(await eventually { arrived.current == 1 })
            // when
            if !emptyLines.isEmpty { try client.send(emptyLines) }
            if seenBeforeTheFIN {
                // (the loop has woken for the empty line, and left it in the socket)
                #expect(await eventuallyAwaiting { await server.activity().watchedForHangUp == 1 })
            }
            client.shutdownWrite()
            // then
            #expect(await eventually(timeout: .seconds(20)) { cancelled.current == 1 }, "the handler ran on for nobody")
            let rest = client.readUntilClose()
            #expect(rest.bytes.isEmpty)
            #expect(rest.end == .eof)
            #expect(await server.waitUntilNoConnections())
            client.close()
        }
    }

    @Test("given a GET waiting on its handler, when its client shuts its side within the half-close grace, then that is a half-close: the handler runs to its end and its answer goes out")
    func aFINSoonAfterTheRequestIsAHalfClose() async throws {
        let (arrived, cancelled, gate) = (Counter(), Counter(), Gate())
        let gated: Handler = { request, _ in
            arrived.increment()
            await gate.wait()
            if Task.isCancelled { cancelled.increment() }
            return HTTPResponse(status: .ok, contentType: "text/plain", text: request.path)
        }
        // (a grace no slow machine outlasts)
        try await withServer({ $0.halfCloseGrace = .seconds(600) }, handler: gated) { server in
            // given
            let client = try server.connect()
            try client.send(get("/gated"))
            #expect(await eventually { arrived.current == 1 })
            // when: its FIN, seen by the server while the handler waits
            client.shutdownWrite()
            #expect(await eventuallyAwaiting { await server.activity().halfClosed == 1 })
            gate.open()
            // then
            #expect(try client.readResponse().text == "/gated")
            #expect(cancelled.current == 0)
            client.close()
        }
    }

    @Test("given a POST waiting on its handler, when its client shuts its side, then the handler runs to its end and its answer still goes out")
    func aWriterIsAnsweredAfterAHalfClose() async throws {
        let (arrived, cancelled, gate) = (Counter(), Counter(), Gate())
        try await withServer(handler: Self.waitingHandler(arrived: arrived, cancelled: cancelled, gate: gate)) { server in
            // given
            let client = try server.connect()
            try client.send(post("/slow", body: "write"))
            #expect(await eventually { arrived.current == 1 })
            // when: the FIN reached the server, whose loop has taken two turns since
            client.shutdownWrite()
            #expect(finAcknowledged(client.fd), "the FIN never reached the server")
            _ = await server.activity()
            _ = await server.activity()
            gate.open()
            // then
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.text == "/slow")
            #expect(cancelled.current == 0)
            client.close()
        }
    }

    @Test("given a GET waiting on its handler, when its client sends another request and then its FIN, then both are answered in order, whether the second was read with the first, or is still in the socket when the FIN is seen",
          arguments: [true, false])
    func aClientThatSentMoreIsAnswered(inOneWrite: Bool) async throws {
        let (arrived, cancelled, gate, loopHeld) = (Counter(), Counter(), Gate(), Gate())
        // The slow GET here waits on the gate: cancelled, it would answer at once and hide a close.
        // Sent apart, it first holds its loop's thread until the second request and the FIN are
        // both in the socket, so that the loop sees them in one wake-up.
        let handler: Handler = { request, _ in
            arrived.increment()
            if request.path == "/slow" {
                if !inOneWrite { while !loopHeld.isOpen { usleep(1000) } }
                await gate.wait()
            }
            if Task.isCancelled { cancelled.increment() }
            return HTTPResponse(status: .ok, contentType: "text/plain", text: request.path)
        }
        try await withServer(handler: handler) { server in
            // given
            let client = try server.connect()
            if inOneWrite {
                try client.send(get("/slow") + get("/second"))
                #expect(await eventually { arrived.current == 1 })
            } else {
                try client.send(get("/slow"))
                #expect(await eventually { arrived.current == 1 })
                try client.send(get("/second"))
            }
            // when
            client.shutdownWrite()
            #expect(finAcknowledged(client.fd), "the FIN never reached the server")
            loopHeld.open()
            _ = await server.activity()
            _ = await server.activity()
            gate.open()
            // then
            let responses = try (0..<2).map { _ in try client.readResponse() }
            #expect(responses.map(\.text) == ["/slow", "/second"])
            #expect(cancelled.current == 0)
            client.close()
        }
    }

    @Test("given a loop busy elsewhere, when a client sends a GET and its FIN together, then the GET is answered: the FIN came with the request, not after it")
    func aRequestSentWithItsFINIsAnswered() async throws {
        let (arrived, gate, loopHeld) = (Counter(), Gate(), Gate())
        // Another client's handler holds the one loop's thread until the GET and the FIN are both
        // in the socket, so that the loop reads them in one wake-up, as from `nc -N`.
        let handler: Handler = { request, _ in
            arrived.increment()
            if request.path == "/hold" { while !loopHeld.isOpen { usleep(1000) } }
            if request.path == "/slow" { await gate.wait() }
            return HTTPResponse(status: .ok, contentType: "text/plain", text: request.path)
        }
        try await withServer({ $0.loopCount = 1 }, handler: handler) { server in
            // given
            let holder = try server.connect()
            try holder.send(get("/hold"))
            #expect(await eventually { arrived.current == 1 })
            // when
            let client = try server.connect()
            try client.send(get("/slow"))
            client.shutdownWrite()
            #expect(finAcknowledged(client.fd), "the FIN never reached the server")
            loopHeld.open()
            #expect(try holder.readResponse().text == "/hold")
            #expect(await eventually { arrived.current == 2 })
            _ = await server.activity()
            _ = await server.activity()
            gate.open()
            // then
            #expect(try client.readResponse().text == "/slow")
            holder.close()
            client.close()
        }
    }

    @Test("given a slow GET, and a second sent while it runs, when their client's FIN follows, then both are answered: the second, read after the first, came before the FIN")
    func twoPipelinedReadsBeforeAFINAreAnswered() async throws {
        let (arrived, cancelled, first, second) = (Counter(), Counter(), Gate(), Gate())
        let handler: Handler = { request, _ in
            arrived.increment()
            await (request.path == "/first" ? first : second).wait()
            if Task.isCancelled { cancelled.increment() }
            return HTTPResponse(status: .ok, contentType: "text/plain", text: request.path)
        }
        try await withServer(handler: handler) { server in
            // given
            let client = try server.connect()
            try client.send(get("/first"))
            #expect(await eventually { arrived.current == 1 })
            try client.send(get("/second"))
            _ = await server.activity()
            _ = await server.activity()
            // when: the second waits in the socket, unread, until the first is answered
            client.shutdownWrite()
            #expect(finAcknowledged(client.fd), "the FIN never reached the server")
            _ = await server.activity()
            _ = await server.activity()
            first.open()
            #expect(try client.readResponse().text == "/first")
            #expect(await eventually { arrived.current == 2 })
            _ = await server.activity()
            _ = await server.activity()
            second.open()
            // then
            #expect(try client.readResponse().text == "/second")
            #expect(cancelled.current == 0)
            client.close()
        }
    }
}

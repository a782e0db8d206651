import Dispatch
import Glibc
import HTTP
@testable import Server
import Testing

/// Test bodies run on a dedicated thread (`onDedicatedThread`): they block in socket calls
/// while `stop()` runs in a task on the cooperative pool.
@Suite("HTTPServer: graceful shutdown")
struct HTTPServerShutdownTests {
    @Test("given a server that has stopped, when a test asks what its loops are doing, then each answers at once as finished",
          .timeLimit(.minutes(1)))
    func activityOfAStoppedServer() async throws {
        let server = try TestServer({ $0.loopCount = 2 }, handler: { request, _ in HTTPResponse(status: .ok, contentType: "text/plain", text: request.path) })
        #expect(await server.activity().finishedLoops == 0)
        await server.server.stop(gracePeriod: .seconds(1))
        let activity = await server.activity()
        #expect(activity.finishedLoops == 2)
        #expect(activity.drainingLoops == 2)
    }

    @Test func stopClosesIdleConnectionsFinishesInFlightRequestsAndRefusesNewOnes() async throws {
        try await onDedicatedThread {
            // given: 20 requests whose handlers wait on a gate, and 10 idle keep-alive connections
            let gate = Gate()
            let arrived = Counter()
            let handler: Handler = { request, _ in
                if request.path.hasPrefix("/slow") {
                    arrived.increment()
                    await gate.wait()
                }
                return HTTPResponse(status: .ok, contentType: "text/plain", text: request.path)
            }
            let server = try TestServer(handler: handler)
            let port = server.port
            var inFlight: [TestClient] = []
            for i in 0..<20 {
                let client = try server.connect()
                try client.send(get("/slow/\(i)"))
                inFlight.append(client)
            }
            var idle: [TestClient] = []
            for i in 0..<10 {
                let client = try server.connect()
                try client.send(get("/fast/\(i)"))
                #expect(try client.readResponse().status == 200)
                idle.append(client)
            }
            #expect(await eventually { arrived.current == 20 })

            // when: stop begins
            let stopping = Task { await server.stop(gracePeriod: .seconds(60)) }
            #expect(await eventually { server.server.isDraining })

            // then: the idle connections are closed without a response
            for client in idle {
                let rest = client.readUntilClose()
                #expect(rest.bytes.isEmpty)
                #expect(rest.end == .eof)
            }
            // and the in-flight requests, released, each get their response with Connection: close
            gate.open()
            var answered: [String] = []
            for client in inFlight {
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response[header: "Connection"] == "close")
                answered.append(response.text)
                let rest = client.readUntilClose()
                #expect(rest.end == .eof)
                client.close()
            }
            #expect(answered == (0..<20).map { "/slow/\($0)" })
            await stopping.value
            #expect(server.openConnections == 0)
            // and nobody can connect any more
            var refused: TestClientError?
            do { _ = try TestClient(port: port, host: server.host) } catch let error as TestClientError { refused = error }
            if case .connectFailed(let e) = refused {
                #expect(e == ECONNREFUSED)
            } else {
                Issue.record("a connection after stop() was accepted")
            }
        }
    }

    @Test func requestsAlreadySentButNotYetReadWhenStopBeginsAreAnswered() async throws {
        try await onDedicatedThread {
            // given: one loop, held by a handler that blocks its thread until the test lets go,
            // while a request arrives on an idle keep-alive connection and another on a
            // connection the loop has not accepted yet
            let arrived = Counter()
            let release = DispatchSemaphore(value: 0)
            let server = try TestServer({ $0.loopCount = 1 }, handler: { request, _ in
                if request.path == "/busy" {
                    arrived.increment()
                    release.wait()
                }
                return HTTPResponse(status: .ok, contentType: "text/plain", text: request.path)
            })
            let idle = try server.connect()
            try idle.send(get("/warm-up"))
            #expect(try idle.readResponse().status == 200)
            let busy = try server.connect()
            try busy.send(get("/busy"))
            #expect(await eventually { arrived.current == 1 })
            try idle.send(get("/sent-on-idle"))
            let fresh = try server.connect()
            try fresh.send(get("/sent-on-new"))
            // when: stop begins while the loop is still held, then the loop goes on
            let stopping = Task { await server.stop(gracePeriod: .seconds(60)) }
            #expect(await eventually { server.server.isDraining })
            release.signal()
            // then: both requests are answered (with Connection: close), not reset
            for (client, path) in [(idle, "/sent-on-idle"), (fresh, "/sent-on-new")] {
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.text == path)
                #expect(response[header: "Connection"] == "close")
            }
            #expect(try busy.readResponse().status == 200)
            for client in [idle, fresh, busy] { client.close() }
            await stopping.value
        }
    }

    @Test func stopGivesUpOnAHandlerThatNeverFinishesAtTheDeadline() async throws {
        try await onDedicatedThread {
            // given: a handler that waits on a gate nobody opens before stop returns
            let gate = Gate()
            let arrived = Counter()
            let server = try TestServer(handler: { _, _ in
                arrived.increment()
                await gate.wait()
                return HTTPResponse(status: .ok)
            })
            let client = try server.connect()
            try client.send(get("/forever"))
            #expect(await eventually { arrived.current == 1 })
            // when: the deadline comes before the handler finishes
            await server.stop(deadline: .now + .milliseconds(300))
            // then: stop returned, and the client sees the connection closed without a response
            let rest = client.readUntilClose()
            #expect(rest.bytes.isEmpty)
            #expect(rest.end == .eof || rest.end == .reset, "\(rest.end)")
            #expect(server.openConnections == 0)
            gate.open()
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aHandlerWhoseClientLeftIsWaitedForUntilTheDeadline() async throws {
        try await onDedicatedThread {
            // given: a handler that goes on after its client leaves (as a keyed reply does), and
            // notes when it ends; one loop, so that the one asked below is the one that waits
            let gate = Gate()
            let arrived = Counter()
            let ended = Counter()
            let server = try TestServer({ $0.loopCount = 1 }, handler: { _, _ in
                arrived.increment()
                await gate.wait()
                ended.increment()
                return HTTPResponse(status: .ok)
            })
            let client = try server.connect()
            try client.send(get("/write"))
            #expect(await eventually { arrived.current == 1 })
            client.resetClose()
            #expect(await eventually { server.openConnections == 0 })
            // when: a drain with time to spare begins, and the handler's work ends a while later
            let stopped = Counter()
            let stopping = Task {
                await server.stop(deadline: .now + .seconds(30))
                stopped.increment()
            }
            // the loop has begun its drain with no connection left: one that would not wait for
            // the handler is done from here on (asked, it says so, also once its thread has ended)
            #expect(await eventuallyAwaiting { await server.activity().drainingLoops == 1 })
            let stoppedEarly = await server.activity().finishedLoops > 0 || stopped.current == 1
            gate.open()
            await stopping.value
            // then: the loop waited for it, and it ran to its end
            #expect(!stoppedEarly)
            #expect(ended.current == 1)
        }
    }

    @Test("given handlers still waiting when the grace period ends, one answering its cancellation and one ignoring it, then the first's answer goes out with Connection: close, marked cut short by the drain, and the second's connection closes unanswered")
    func handlerCancelledAtTheDeadlineIsStillAnswered() async throws {
        try await onDedicatedThread {
            // given: a handler that answers 504 once cancelled, noting what its context says
            // before and after; and one that waits on a gate nobody opens before stop returns
            let gate = Gate()
            let arrived = Counter()
            let cutBefore = Counter()
            let cutAfter = Counter()
            let server = try TestServer(handler: { request, context in
                arrived.increment()
                if request.path == "/stuck" {
                    await gate.wait()
                    return HTTPResponse(status: .ok)
                }
                if context.isCutShortByDrain { cutBefore.increment() }
                try? await Task.sleep(for: .seconds(60))
                if context.isCutShortByDrain { cutAfter.increment() }
                return HTTPResponse(status: .gatewayTimeout, contentType: "text/plain", text: "cut short")
            })
            let answering = try server.connect()
            try answering.send(get("/waiting"))
            let stuck = try server.connect()
            try stuck.send(get("/stuck"))
            #expect(await eventually { arrived.current == 2 })
            // when: the grace period ends while both wait
            await server.stop(deadline: .now + .milliseconds(200))
            // then: the cancelled handler's answer was sent, the connection closing after it
            let response = try answering.readResponse()
            #expect(response.status == 504)
            #expect(response.text == "cut short")
            #expect(response[header: "Connection"] == "close")
            #expect(answering.readUntilClose().bytes.isEmpty)
            #expect(cutBefore.current == 0)
            #expect(cutAfter.current == 1)
            // and the handler that did not answer got no time beyond the last moments
            let rest = stuck.readUntilClose()
            #expect(rest.bytes.isEmpty)
            #expect(rest.end == .eof || rest.end == .reset, "\(rest.end)")
            #expect(server.openConnections == 0)
            gate.open()
        }
    }

    @Test func handlerCancelledAtTheDeadlineStillRunsItsWayOut() async throws {
        try await onDedicatedThread {
            // given: a handler in a cancellable wait, which notes when it ends
            let arrived = Counter()
            let ended = Counter()
            let server = try TestServer(handler: { _, _ in
                arrived.increment()
                defer { ended.increment() }
                try await Task.sleep(for: .seconds(60))
                return HTTPResponse(status: .ok)
            })
            let client = try server.connect()
            try client.send(get("/sleeping"))
            #expect(await eventually { arrived.current == 1 })
            // when: the deadline comes while it waits
            await server.stop(deadline: .now + .milliseconds(100))
            // then: cancelled, it ran to its end (on the loop, before the loop let go)
            #expect(ended.current == 1)
            client.close()
        }
    }

    @Test func aConnectionIdleAfterAnEmptyLineIsClosedAtOnceByADrain() async throws {
        try await onDedicatedThread {
            // given: a request ended with one CRLF too many (RFC 9112 §2.2), answered; timeouts of a minute
            let server = try TestServer({ $0.headerReadTimeout = .seconds(60) }, handler: Handlers.ok)
            let client = try server.connect()
            try client.send(get("/") + "\r\n")
            #expect(try client.readResponse().status == 200)
            // when
            let stopping = Task { await server.stop(gracePeriod: .seconds(60)) }
            #expect(await eventually { server.server.isDraining })
            // then: closed by the drain as the idle connection it is, not left to a header timeout
            #expect(client.waitReadable(milliseconds: 10_000))
            let rest = client.readUntilClose()
            #expect(rest.bytes.isEmpty)
            #expect(rest.end == .eof)
            await stopping.value
        }
    }

    /// A server of `loops` loops held at its limit of two by two connections that have sent
    /// nothing, neither of which gives way to a newcomer within the test (nor times out).
    private static func serverFullOfSilentConnections(loops: Int) async throws -> (TestServer, [TestClient]) {
        let server = try TestServer({
            $0.maxConnections = 2
            $0.loopCount = loops
            $0.headerReadTimeout = .seconds(600)
            $0.freshConnectionGrace = .seconds(300)
        }, handler: Handlers.echoPath)
        let silent = try [server.connect(), server.connect()]
        #expect(await eventually { server.openConnections == 2 })
        return (server, silent)
    }

    @Test("given a server at its limit of silent connections, stopped accepting with newcomers' requests queued (one at one loop; four, past the limit, at two loops), when a drain begins, then every queued request is answered with Connection: close and the silent connections are closed",
          .timeLimit(.minutes(1)), arguments: [(loops: 1, newcomers: 1), (loops: 2, newcomers: 4)])
    func queuedRequestsAreAnsweredByADrain(loops: Int, newcomers count: Int) async throws {
        try await onDedicatedThread {
            // given: newcomers queued at whichever loop's listener the kernel chose
            let (server, silent) = try await Self.serverFullOfSilentConnections(loops: loops)
            var newcomers: [TestClient] = []
            for index in 0..<count {
                let newcomer = try server.connect()
                try newcomer.send(get("/newcomer\(index)"))
                newcomers.append(newcomer)
            }
            #expect(await eventuallyAwaiting { await server.activity().acceptPaused >= 1 })
            #expect(!newcomers[0].waitReadable(milliseconds: 0), "answered while the server was full")
            // when
            let stopping = Task { await server.stop(gracePeriod: .seconds(30)) }
            // then
            for (index, newcomer) in newcomers.enumerated() {
                let response = try newcomer.readResponse()
                #expect(response.text == "/newcomer\(index)")
                #expect(response[header: "Connection"] == "close")
                newcomer.close()
            }
            for client in silent { #expect(client.readUntilClose().end == .eof) }
            await stopping.value
        }
    }

    @Test("given a server at its limit of silent connections, stopped accepting with a newcomer queued that has sent nothing, when a drain begins, then the newcomer taken in is closed with the silent ones and the stop does not wait out its grace",
          .timeLimit(.minutes(1)))
    func silentNewcomerTakenInByADrainIsClosed() async throws {
        try await onDedicatedThread {
            // given
            let (server, silent) = try await Self.serverFullOfSilentConnections(loops: 1)
            let newcomer = try server.connect()
            #expect(await eventuallyAwaiting { await server.activity().acceptPaused == 1 })
            // when
            let stopping = Task { await server.stop(gracePeriod: .seconds(30)) }
            // then: all three closed, so the stop ends now, not when its grace is over
            for client in [newcomer] + silent { #expect(client.readUntilClose().end == .eof) }
            await stopping.value
        }
    }

    @Test("given a server at its limit with a request in flight and a newcomer's request queued, when a drain begins, then the newcomer is taken in past the limit and both are answered with Connection: close",
          .timeLimit(.minutes(1)))
    func newcomerQueuedBehindARequestInFlightIsAnsweredByADrain() async throws {
        try await onDedicatedThread {
            // given: one connection, the maximum, its handler held at a gate
            let gate = Gate()
            let arrived = Counter()
            let server = try TestServer({ $0.maxConnections = 1; $0.loopCount = 1 }, handler: { request, _ in
                if request.path == "/held" {
                    arrived.increment()
                    await gate.wait()
                }
                return HTTPResponse(status: .ok, contentType: "text/plain", text: request.path)
            })
            let held = try server.connect()
            try held.send(get("/held"))
            #expect(await eventually { arrived.current == 1 })
            let newcomer = try server.connect()
            try newcomer.send(get("/newcomer"))
            #expect(await eventuallyAwaiting { await server.activity().acceptPaused == 1 })
            // when
            let stopping = Task { await server.stop(gracePeriod: .seconds(60)) }
            #expect(await eventually { server.server.isDraining })
            gate.open()
            // then
            for (client, path) in [(held, "/held"), (newcomer, "/newcomer")] {
                let response = try client.readResponse()
                #expect(response.text == path)
                #expect(response[header: "Connection"] == "close")
                client.close()
            }
            await stopping.value
        }
    }

    @Test func stopOnAServerWithoutConnectionsReturnsAndCanBeRepeated() async throws {
        try await onDedicatedThread {
            // given
            let server = try TestServer(handler: Handlers.ok)
            let port = server.port
            let client = try server.connect()
            try client.send(get("/"))
            #expect(try client.readResponse().status == 200)
            client.close()
            // when
            await server.stop()
            await server.stop()
            // then
            #expect(server.server.isDraining)
            #expect(throws: TestClientError.self) { _ = try TestClient(port: port, host: server.host) }
        }
    }

    @Test func requestHalfReceivedWhenStopBeginsIsCompletedAndAnsweredWithConnectionClose() async throws {
        try await onDedicatedThread {
            // given: one request in flight keeps the server draining (one loop, so that the probe
            // below shows the loop has read the partial head before stop() is called); the partial
            // head must not time out however long the test side stalls
            let gate = Gate()
            let arrived = Counter()
            let server = try TestServer({ $0.loopCount = 1; $0.headerReadTimeout = .seconds(600) }, handler: { request, _ in
                if request.path == "/slow" {
                    arrived.increment()
                    await gate.wait()
                }
                return HTTPResponse(status: .ok, contentType: "text/plain", text: request.path)
            })
            let slow = try server.connect()
            try slow.send(get("/slow"))
            #expect(await eventually { arrived.current == 1 })
            let partial = try server.connect()
            try partial.send("GET /late HTTP/1.1\r\nHost: te")  // mid-head when the drain starts
            let probe = try server.connect()
            try probe.send(get("/probe", "Connection: close"))
            #expect(try probe.readResponse().text == "/probe")
            probe.close()
            // when
            let stopping = Task { await server.stop(gracePeriod: .seconds(60)) }
            #expect(await eventually { server.server.isDraining })
            try partial.send("st\r\n\r\n")
            let late = try partial.readResponse()
            gate.open()
            let slowResponse = try slow.readResponse()
            partial.close()
            slow.close()
            await stopping.value
            // then
            #expect(late.status == 200)
            #expect(late.text == "/late")
            #expect(late[header: "Connection"] == "close")
            #expect(slowResponse[header: "Connection"] == "close")
        }
    }

    @Test func connectionStillReceivingItsLastResponseWhenStopBeginsIsClosedOnceTheResponseIsOut() async throws {
        try await onDedicatedThread {
            // given: an 8 MiB response the client has only started to read
            let body = [UInt8](repeating: 0x61, count: 8 << 20)
            let server = try TestServer({ $0.maxPendingOutput = 64 << 20 }, handler: { _, _ in HTTPResponse(status: .ok, body: body) })
            let client = try server.connect(receiveBufferSize: 16 * 1024)
            try client.send(get("/big"))
            #expect(client.waitReadable(milliseconds: 10_000))
            // when: stop begins (with a grace period far beyond the client's receive deadline)
            let stopping = Task { await server.stop(gracePeriod: .seconds(60)) }
            #expect(await eventually { server.server.isDraining })
            let response = try client.readResponse()
            let rest = client.readUntilClose()
            // then: the response arrives whole and the server closes right after it
            #expect(response.status == 200)
            #expect(response.body.count == body.count)
            #expect(rest.bytes.isEmpty)
            #expect(rest.end == .eof, "the connection was kept open after its last response during a drain")
            client.close()
            await stopping.value
        }
    }

    @Test func requestSentWhileItsPredecessorsResponseIsStillGoingOutIsAnsweredDuringADrain() async throws {
        try await onDedicatedThread {
            // given: an 8 MiB keep-alive response the client has only started to read, and its
            // next request already sent (the server does not read it while that much output waits)
            let body = [UInt8](repeating: 0x61, count: 8 << 20)
            let server = try TestServer(handler: { request, _ in
                request.path == "/big" ? HTTPResponse(status: .ok, body: body)
                    : HTTPResponse(status: .ok, contentType: "text/plain", text: request.path)
            })
            let client = try server.connect(receiveBufferSize: 16 * 1024)
            try client.send(get("/big"))
            #expect(client.waitReadable(milliseconds: 10_000))
            try client.send(get("/next"))
            // when: stop begins
            let stopping = Task { await server.stop(gracePeriod: .seconds(60)) }
            #expect(await eventually { server.server.isDraining })
            let first = try client.readResponse()
            let second = try client.readResponse()
            let rest = client.readUntilClose()
            // then: both are answered, the second with Connection: close, and the server closes
            #expect(first.status == 200)
            #expect(first.body.count == body.count)
            #expect(second.status == 200)
            #expect(second.text == "/next")
            #expect(second[header: "Connection"] == "close")
            #expect(rest.end == .eof)
            client.close()
            await stopping.value
        }
    }

    /// A server whose handler for `/slow` waits until the gate opens; the counter says it began.
    private static func gatedServer() throws -> (server: TestServer, gate: Gate, arrived: Counter) {
        let gate = Gate()
        let arrived = Counter()
        let server = try TestServer(handler: { request, _ in
            if request.path == "/slow" {
                arrived.increment()
                await gate.wait()
            }
            return HTTPResponse(status: .ok, contentType: "text/plain", text: request.path)
        })
        return (server, gate, arrived)
    }

    @Test(arguments: [true, false])
    func requestsPipelinedBehindOneInFlightWhenStopBeginsAreAllAnswered(inOneWrite: Bool) async throws {
        try await onDedicatedThread {
            // given: a request held by its handler, and two more either sent with it in one write
            // or sent after it started, which the server has not read (it reads no further while
            // a handler runs)
            let (server, gate, arrived) = try Self.gatedServer()
            let client = try server.connect()
            if inOneWrite {
                try client.send(get("/slow") + get("/second") + get("/third"))
                #expect(await eventually { arrived.current == 1 })
            } else {
                try client.send(get("/slow"))
                #expect(await eventually { arrived.current == 1 })
                try client.send(get("/second") + get("/third"))
            }
            // when: stop begins, then the first handler ends
            let stopping = Task { await server.stop(gracePeriod: .seconds(60)) }
            #expect(await eventually { server.server.isDraining })
            gate.open()
            // then: all three are answered in order, none but the last with Connection: close
            // (the last says it unless the loop came to this connection's drain only once all
            // three were answered, which leaves an idle connection to close without a word)
            let responses = try (0..<3).map { _ in try client.readResponse() }
            let rest = client.readUntilClose()
            #expect(responses.map(\.text) == ["/slow", "/second", "/third"])
            #expect(responses.prefix(2).map { $0[header: "Connection"] } == [nil, nil])
            #expect([nil, "close"].contains(responses[2][header: "Connection"]))
            #expect(rest.bytes.isEmpty)
            #expect(rest.end == .eof)
            client.close()
            await stopping.value
        }
    }

    @Test func aResponseQueuedBeforeARequestThatCanNeverCompleteIsStillSent() async throws {
        try await onDedicatedThread {
            // given: a request held by its handler, then half of another and the client's FIN
            let (server, gate, arrived) = try Self.gatedServer()
            let client = try server.connect()
            try client.send(get("/slow") + "GET /never HTTP/1.1\r\nHo")
            client.shutdownWrite()
            #expect(await eventually { arrived.current == 1 })
            // when: stop begins (the connection reads its socket once: the half request, then EOF)
            let stopping = Task { await server.stop(gracePeriod: .seconds(60)) }
            #expect(await eventually { server.server.isDraining })
            gate.open()
            // then: the first request's answer arrives, then the connection closes
            let response = try client.readResponse()
            let rest = client.readUntilClose()
            #expect(response.text == "/slow")
            #expect(rest.bytes.isEmpty)
            #expect(rest.end == .eof)
            client.close()
            await stopping.value
        }
    }
}

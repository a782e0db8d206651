import HTTP
import Server
import Testing

@Suite("Connection: robustness under vanishing, parked and churning clients", .serialized)
struct ConnectionRobustnessTests {
    @Test func clientsVanishingMidRequestDoNotDisturbOthersAndLeaveNothingOpen() async throws {
        // given: a steady client requesting in a loop while 60 others vanish
        try await withServer(handler: Handlers.echoBody) { server in
            let steadyStatuses = Recorder<Int>()
            let vanishing = Counter()
            let done = Counter()
            let steady = TestThreads.start {
                do {
                    let client = try server.connect()
                    var i = 0
                    // keep going until every vanishing client is gone, and at least 50 times
                    while done.current == 0 || i < 50 {
                        try client.send(post("/steady", body: "ping \(i)"))
                        let response = try client.readResponse()
                        steadyStatuses.append(response.status == 200 && response.text == "ping \(i)" ? 200 : -response.status)
                        i += 1
                    }
                    client.close()
                } catch {
                    steadyStatuses.append(-1)
                }
            }
            // when: 60 clients send part of a head or part of a body, then close (FIN) or reset (RST)
            TestThreads.run(60) { i in
                guard let client = try? server.connect() else { return }
                let midBody = i % 2 == 0
                if midBody {
                    try? client.send("POST /upload HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\npartial")
                } else {
                    try? client.send("GET /vanish HTTP/1.1\r\nHost: te")
                }
                if i % 4 < 2 { client.close() } else { client.resetClose() }
                vanishing.increment()
            }
            done.increment()
            steady.join()
            // then
            let statuses = steadyStatuses.all
            #expect(vanishing.current == 60)
            #expect(statuses.count >= 50)
            #expect(statuses.allSatisfy { $0 == 200 }, "\(statuses.filter { $0 != 200 })")
            #expect(await server.waitUntilNoConnections(), "connections still open: \(server.openConnections)")
            let client = try server.connect()
            try client.send(post("/after", body: "still fine"))
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.text == "still fine")
        }
    }

    @Test func twoHundredParkedHalfSentConnectionsDoNotBlockOtherClients() async throws {
        // given: 200 connections that sent part of a head and wait (long header timeout)
        try await withServer({ $0.headerReadTimeout = .seconds(600) }, handler: Handlers.echoPath) { server in
            var parked: [TestClient] = []
            for i in 0..<200 {
                let client = try server.connect()
                try client.send("GET /parked/\(i) HTTP/1.1\r\nHost: test\r\nX-Part")
                parked.append(client)
            }
            #expect(await eventually { server.openConnections == 200 }, "open: \(server.openConnections)")
            // when: 50 other clients each make a request, concurrently
            let answers = Recorder<String>()
            TestThreads.run(50) { i in
                do {
                    let client = try server.connect()
                    try client.send(get("/other/\(i)"))
                    let response = try client.readResponse()
                    answers.append(response.status == 200 ? response.text : "status \(response.status)")
                    client.close()
                } catch {
                    answers.append("error \(error)")
                }
            }
            // then
            #expect(answers.all.sorted() == (0..<50).map { "/other/\($0)" }.sorted())
            #expect(server.openConnections >= 200)
            // and the parked ones can still finish their requests
            try parked[0].send("ed: yes\r\n\r\n")
            let late = try parked[0].readResponse()
            #expect(late.text == "/parked/0")
            for client in parked { client.close() }
            #expect(await server.waitUntilNoConnections(), "connections still open: \(server.openConnections)")
        }
    }

    @Test func rapidConnectionChurnFromSeveralThreadsAlwaysGetsTheRightResponse() async throws {
        // given: 8 threads × 250 connections, each with one request; fd numbers are reused constantly.
        // A third of the clients hang up (RST) right after sending, and some handlers suspend, so
        // responses for connections that are already gone (their fd reused) come back late.
        let handler: Handler = { request, _ in
            if request.path.hasSuffix("0") || request.path.hasSuffix("3") { try await Task.sleep(for: .milliseconds(2)) }
            return HTTPResponse(status: .ok, headers: ["Content-Type": "text/plain"], body: Array(request.path.utf8))
        }
        try await withServer(handler: handler) { server in
            let completed = Counter()
            let wrong = Recorder<String>()
            // when
            TestThreads.run(8) { thread in
                for i in 0..<250 {
                    let path = "/t\(thread)/r\(i)"
                    do {
                        let client = try server.connect()
                        try client.send(get(path))
                        if i % 3 == 0 {
                            client.resetClose()
                            continue
                        }
                        let response = try client.readResponse()
                        if response.status == 200, response.text == path {
                            completed.increment()
                        } else {
                            wrong.append("\(path) -> \(response.status) \(response.text)")
                        }
                        if i % 2 == 0 { client.close() } else { client.resetClose() }
                    } catch {
                        wrong.append("\(path) -> \(error)")
                    }
                }
            }
            // then
            #expect(wrong.all.isEmpty, "\(wrong.all.prefix(5))")
            #expect(completed.current == 8 * (250 - 84))
            #expect(await server.waitUntilNoConnections(), "connections still open: \(server.openConnections)")
            let client = try server.connect()
            try client.send(get("/healthy"))
            #expect(try client.readResponse().text == "/healthy")
        }
    }
}

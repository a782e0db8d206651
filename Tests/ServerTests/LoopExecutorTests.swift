import Dispatch
import HTTP
import Server
import Testing

@Suite("LoopExecutor: where handlers run")
struct LoopExecutorTests {
    /// Resumes from a Dispatch thread after 20 ms: work that finishes somewhere else.
    private static func hopThroughDispatch() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(20)) { continuation.resume() }
        }
    }

    @Test func handlerThatDoesNotSuspendRunsOnTheLoopThread() async throws {
        // given
        let handler: Handler = { _, context in
            HTTPResponse(status: .ok, headers: ["X-Thread": TestThreads.currentName(), "X-Loop": "\(context.loopIndex)"])
        }
        try await withServer(handler: handler) { server in
            let client = try server.connect()
            // when
            try client.send(get("/"))
            let response = try client.readResponse()
            // then: on the thread of the loop that serves the connection
            #expect(response[header: "X-Thread"] == "http-loop-\(response[header: "X-Loop"] ?? "?")")
        }
    }

    @Test func handlerCompletedOnAnotherThreadIsDeliveredAndResumesOnTheLoop() async throws {
        // given
        let handler: Handler = { request, _ in
            let before = TestThreads.currentName()
            await Self.hopThroughDispatch()
            let after = TestThreads.currentName()
            return HTTPResponse(status: .ok, headers: ["X-Before": before, "X-After": after], body: Array(request.path.utf8))
        }
        try await withServer(handler: handler) { server in
            let client = try server.connect()
            // when: several in a row on one connection
            var responses: [TestResponse] = []
            for i in 0..<5 {
                try client.send(get("/hop/\(i)"))
                responses.append(try client.readResponse())
            }
            // then
            #expect(responses.map(\.text) == (0..<5).map { "/hop/\($0)" })
            for response in responses {
                #expect(response[header: "X-Before"]?.hasPrefix("http-loop-") == true, "\(response[header: "X-Before"] ?? "none")")
                #expect(response[header: "X-After"]?.hasPrefix("http-loop-") == true, "\(response[header: "X-After"] ?? "none")")
                #expect(response[header: "X-After"] == response[header: "X-Before"])
            }
        }
    }

    @Test func manyHandlersSuspendingAtOnceOnDifferentConnectionsAllComplete() async throws {
        // given
        let handler: Handler = { request, _ in
            await Self.hopThroughDispatch()
            return HTTPResponse(status: .ok, body: Array(request.path.utf8))
        }
        try await withServer(handler: handler) { server in
            // when: 40 connections, each with a request in flight at the same time
            var clients: [TestClient] = []
            for i in 0..<40 {
                let client = try server.connect()
                try client.send(get("/c\(i)"))
                clients.append(client)
            }
            var paths: [String] = []
            for client in clients { paths.append(try client.readResponse().text) }
            // then
            #expect(paths == (0..<40).map { "/c\($0)" })
        }
    }

    /// Regression: the loop once reset its wake flag before emptying its eventfd, so a resume
    /// landing between the two was erased and no later one ever woke the loop (it slept with no
    /// timer armed, and every response waiting on another thread hung). Thousands of resumes
    /// from Dispatch threads, racing the loop's own wake-ups, must each be delivered.
    @Test(.timeLimit(.minutes(1)))
    func resumesFromOtherThreadsAreNeverLost() async throws {
        // given: one loop, and a handler that hops to a Dispatch thread and back twice
        let handler: Handler = { request, _ in
            for _ in 0..<2 {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    DispatchQueue.global().async { continuation.resume() }
                }
            }
            return HTTPResponse(status: .ok, body: Array(request.path.utf8))
        }
        try await withServer({ $0.loopCount = 1 }, handler: handler) { server in
            // when: 8 keep-alive connections, each with a request in flight, 3,000 rounds
            let clients = try (0..<8).map { _ in try server.connect() }
            var delivered = 0
            for round in 0..<3000 {
                for (index, client) in clients.enumerated() { try client.send(get("/r\(round)/c\(index)")) }
                for (index, client) in clients.enumerated() where try client.readResponse().text == "/r\(round)/c\(index)" {
                    delivered += 1
                }
            }
            // then: every one was answered (a lost wake-up fails readResponse with a timeout)
            #expect(delivered == 24_000)
        }
    }

    @Test func connectionsAreSpreadOverBothLoops() async throws {
        // given
        let handler: Handler = { _, context in
            HTTPResponse(status: .ok, headers: ["X-Loop": "\(context.loopIndex)", "X-Thread": TestThreads.currentName()])
        }
        try await withServer({ $0.loopCount = 2 }, handler: handler) { server in
            var loops: Set<String> = []
            var consistent = true
            // when: new connections until both loops were seen (bounded)
            for _ in 0..<200 where loops.count < 2 {
                let client = try server.connect()
                try client.send(get("/", "Connection: close"))
                let response = try client.readResponse()
                let loop = response[header: "X-Loop"] ?? "?"
                loops.insert(loop)
                consistent = consistent && response[header: "X-Thread"] == "http-loop-\(loop)"
                client.close()
            }
            // then
            #expect(loops == ["0", "1"])
            #expect(consistent)
        }
    }
}

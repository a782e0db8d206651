import Glibc
import HTTP
import Server
import Testing

@Suite("HTTPServer: start, responses, Date, HEAD, handler errors")
struct HTTPServerTests {
    @Test func startOnPortZeroListensOnTheChosenPortAndAnswers() async throws {
        // given
        try await withServer(handler: Handlers.echoPath) { server in
            // when
            let client = try server.connect()
            try client.send(get("/hello"))
            let response = try client.readResponse()
            // then
            #expect(server.port > 0)
            #expect(response.status == 200)
            #expect(response.statusLine == "HTTP/1.1 200 OK")
            #expect(response.text == "/hello")
            #expect(response[header: "Content-Length"] == "6")
            #expect(response[header: "Content-Type"] == "text/plain")
            #expect(response[header: "Connection"] == nil)
        }
    }

    @Test func handlerSeesTheClientAddressAndItsLoop() async throws {
        // given
        let handler: Handler = { _, context in
            HTTPResponse(status: .ok, headers: [
                "X-Remote-Host": context.remoteAddress?.host ?? "none",
                "X-Remote-Port": "\(context.remoteAddress?.port ?? -1)",
                "X-Loop": "\(context.loopIndex)",
            ])
        }
        try await withServer(handler: handler) { server in
            let client = try server.connect()
            // when
            try client.send(get("/"))
            let response = try client.readResponse()
            // then
            #expect(response[header: "X-Remote-Host"] == "127.0.0.1")
            #expect(response[header: "X-Remote-Port"] == "\(client.localPort)")
            #expect(["0", "1"].contains(response[header: "X-Loop"] ?? "?"))
        }
    }

    @Test func startingAfterAStopIsRefused() async throws {
        // given: a server stopped before it started
        let server = HTTPServer(configuration: ServerConfiguration(host: "127.0.0.1", port: 0), responder: ClosureResponder(Handlers.ok))
        await server.stop()
        // when
        var thrown: ServerError?
        do { try server.start() } catch { thrown = error }
        // then: it says so, rather than listen and never answer
        #expect(thrown == .stopped)
    }

    @Test("given a stop() racing a start(), then the stop returns, having drained every loop the start began, and the start either served or says it was stopped",
          .timeLimit(.minutes(1)))
    func stopRacingAStart() async throws {
        for round in 0..<40 {
            // given
            var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
            configuration.loopCount = 4
            let server = HTTPServer(configuration: configuration, responder: ClosureResponder(Handlers.ok))
            // when: stop() comes after a varying share of the loops has started
            let starting = Task.detached { () -> ServerError? in
                do throws(ServerError) { try server.start(); return nil } catch { return error }
            }
            for _ in 0..<(round % 8) { await Task.yield() }
            await server.stop(gracePeriod: .zero)
            // then: once stop() returns, nothing listens any more, whatever start() got to
            if server.port != 0 {
                #expect(!Self.accepts(port: server.port), "round \(round): still listening after stop()")
            }
            let thrown = await starting.value
            #expect(thrown == nil || thrown == .stopped, "round \(round): \(String(describing: thrown))")
            await server.waitUntilStopped()
        }
    }

    /// Whether something accepts a TCP connection on 127.0.0.1:`port`.
    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { return false }
        // A port in the ephemeral range that nothing listens on can still "accept": the kernel
        // may pick that very port for this socket's own end, and a TCP socket connects to itself.
        var local = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) == 0 }
        }
        return !(named && Int(UInt16(bigEndian: local.sin_port)) == port)
    }

    @Test func startingTwiceIsRefusedAndTheRunningServerKeepsServing() async throws {
        try await withServer(handler: Handlers.ok) { server in
            // given: a started server
            // when
            var thrown: ServerError?
            do { try server.server.start() } catch let error as ServerError { thrown = error }
            // then
            #expect(thrown == .alreadyStarted)
            let client = try server.connect()
            try client.send(get("/"))
            #expect(try client.readResponse().status == 200)
        }
    }

    @Test func aSecondServerOnTheSamePortIsRefusedInsteadOfSharingIt() async throws {
        try await withServer(handler: Handlers.echoPath) { server in
            // given: a server listening (with SO_REUSEPORT, as every one of ours does)
            let second = HTTPServer(configuration: ServerConfiguration(host: server.host, port: server.port),
                                    responder: ClosureResponder(Handlers.ok))
            // when: another starts on its port
            var thrown: ServerError?
            do { try second.start() } catch let error as ServerError { thrown = error }
            // then: it fails as bind does, and every connection still reaches the first
            guard case .system(let error)? = thrown else { Issue.record("got \(String(describing: thrown))"); return }
            #expect(error.errno == EADDRINUSE)
            for _ in 0..<8 {
                let client = try server.connect()
                try client.send(get("/first"))
                #expect(try client.readResponse().text == "/first")
            }
        }
    }

    @Test func invalidConfigurationIsRefusedAtStart() throws {
        // given
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.loopCount = 0
        let server = HTTPServer(configuration: configuration, responder: ClosureResponder(Handlers.ok))
        // when / then
        #expect(throws: ServerError.self) { try server.start() }
    }

    @Test func headGetsTheSameHeadersAsGetButNoBody() async throws {
        // given
        let handler: Handler = { _, _ in
            HTTPResponse(status: .ok, headers: ["Content-Type": "text/plain", "X-Custom": "yes"], body: Array("hello world".utf8))
        }
        try await withServer(handler: handler) { server in
            let client = try server.connect()
            // when: GET, then HEAD and GET pipelined in one send
            try client.send(get("/resource"))
            let getResponse = try client.readResponse()
            try client.send("HEAD /resource HTTP/1.1\r\nHost: test\r\n\r\n" + get("/resource"))
            let headResponse = try client.readResponse(headOnly: true)
            let nextResponse = try client.readResponse()
            // then
            #expect(getResponse.status == 200)
            #expect(getResponse.text == "hello world")
            #expect(headResponse.status == 200)
            #expect(headResponse.body.isEmpty)
            let withoutDate = { (r: TestResponse) in r.headers.filter { $0.name.lowercased() != "date" }.map { "\($0.name): \($0.value)" } }
            #expect(withoutDate(headResponse) == withoutDate(getResponse))
            #expect(headResponse[header: "Content-Length"] == "11")
            #expect(isIMFFixdate(headResponse[header: "Date"]))
            // the GET right after the HEAD parses cleanly: no body bytes followed the HEAD head
            #expect(nextResponse.status == 200)
            #expect(nextResponse.text == "hello world")
        }
    }

    @Test func everyResponseCarriesAWellFormedDateIncludingServerErrors() async throws {
        // given
        let handler: Handler = { request, _ in
            if request.path == "/boom" { throw CancellationError() }
            return HTTPResponse(status: .noContent)
        }
        try await withServer({
            $0.headerReadTimeout = .milliseconds(500)
            $0.limits.maxBodyLength = 10
        }, handler: handler) { server in
            var responses: [TestResponse] = []
            func connected(sending text: String) throws -> TestClient? {
                try server.connect(sending: text, within: .milliseconds(500))
            }
            // when: a handler response, a 204, a thrown error, a refused request, a too-large body, a timeout
            let client = try #require(try connected(sending: get("/ok")), "never sent within the timeout")
            responses.append(try client.readResponse())
            try client.send(get("/boom"))
            responses.append(try client.readResponse())
            let malformed = try #require(try connected(sending: "GET / HTTP/1.1\r\n\r\n"))  // no Host
            responses.append(try malformed.readResponse())
            let tooLarge = try #require(try connected(sending: post("/", body: String(repeating: "x", count: 11))))
            responses.append(try tooLarge.readResponse())
            let slow = try #require(try connected(sending: "GET / HTTP/1.1\r\n"))
            responses.append(try slow.readResponse())
            // then
            #expect(responses.map(\.status) == [204, 500, 400, 413, 408])
            for response in responses {
                #expect(response.values("Date").count == 1, "\(response.statusLine)")
                #expect(isIMFFixdate(response[header: "Date"]), "\(response.statusLine): \(response[header: "Date"] ?? "none")")
            }
        }
    }

    @Test func handlerThatThrowsGets500AndTheConnectionStaysUsable() async throws {
        // given
        let handler: Handler = { request, context in
            struct Failure: Error {}
            if request.path == "/boom" { throw Failure() }
            return HTTPResponse(status: .ok, contentType: "text/plain", text: "\(context.connectionID)")
        }
        try await withServer(handler: handler) { server in
            let client = try server.connect()
            // when
            try client.send(get("/boom"))
            let failed = try client.readResponse()
            try client.send(get("/fine"))
            let next = try client.readResponse()
            // then
            expectProblem(failed, status: 500, closes: false)
            #expect(problemType(failed.text) == "/problems/internal_error")
            #expect(next.status == 200)
        }
    }
}

@testable import Connectors
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Glibc
import HTTP
import MarketplaceSimulator
import Server
import Synchronization
import Testing

@Suite("URLSession upstream client over loopback HTTP", .timeLimit(.minutes(1)))
struct URLSessionUpstreamClientTests {
    static let ok = HTTPResponse(status: .ok, contentType: "application/json", text: #"{"ok":true}"#)

    static func get(_ path: String) -> UpstreamRequest {
        UpstreamRequest(method: "GET", path: path, safety: .idempotent, operation: "test.get")
    }

    /// The transport error `send` ends with, or nil when it returned a response.
    func transportError(_ send: () async throws(UpstreamTransportError) -> UpstreamResponse) async -> UpstreamTransportError? {
        do {
            _ = try await send()
            return nil
        } catch {
            return error
        }
    }

    @Test("given a call started on some thread, then its data task is made and resumed on another (URLSession waits on its queue there)")
    func dataTaskMadeOffTheCallingThread() async throws {
        let port = try ClosedPort()
        defer { port.close() }
        let session = URLSession(configuration: .ephemeral)
        let request = URLRequest(url: URL(string: "http://127.0.0.1:\(port.port)/")!)
        let threads = Mutex<(caller: pthread_t?, maker: pthread_t?)>((nil, nil))
        let call = UpstreamCall()
        // when
        let result = await withCheckedContinuation { continuation in
            // started on a thread of its own, as a loop's (the cooperative pool's may run the
            // queue's work next, on the same thread, once the caller let go of it)
            let starter = Thread {
                threads.withLock { $0.caller = pthread_self() }
                call.start(continuation, timeout: .seconds(10)) { finish in
                    threads.withLock { $0.maker = pthread_self() }
                    return session.dataTask(with: request) { _, _, error in finish(.failure(.connectionRefused("\(String(describing: error))"))) }
                }
            }
            starter.start()
        }
        // then: the call ended through the task it made, made on another thread
        guard case .failure(.connectionRefused) = result else { Issue.record("expected the refused connection, got \(result)"); return }
        let (caller, maker) = threads.withLock { $0 }
        #expect(caller != nil && maker != nil)
        #expect(caller.map { thread in maker.map { pthread_equal(thread, $0) == 0 } ?? false } == true)
    }

    @Test("given a call cancelled or timed out before its data task was made, then it ends as not sent, and the task it would make is never made",
          arguments: [UpstreamTransportError.cancelled, .timedOut])
    func endedBeforeStartIsUnsent(ending: UpstreamTransportError) async throws {
        // given: a call ended before `start` (the cancellation handler runs before the body when
        // the task is already cancelled; the timer may fire before the start queue runs)
        let call = UpstreamCall()
        call.finish(.failure(ending))
        let made = Mutex(false)
        // when
        let result = await withCheckedContinuation { continuation in
            call.start(continuation, timeout: .seconds(10)) { _ in
                made.withLock { $0 = true }
                return URLSession(configuration: .ephemeral).dataTask(with: URL(string: "http://127.0.0.1:9/")!)
            }
        }
        // then
        guard case .failure(let error) = result else { Issue.record("expected a failure, got \(result)"); return }
        switch error {
        case .cancelledUnsent: #expect(ending == .cancelled)
        case .notSent: #expect(ending == .timedOut)
        default: Issue.record("\(ending) before the start ended as \(error), which says it may have been sent")
        }
        #expect(!made.withLock { $0 })
    }

    @Test("given a call cancelled or timed out while its data task is being made, then it ends as not sent",
          arguments: [UpstreamTransportError.cancelled, .timedOut])
    func endedWhileStartingIsUnsent(ending: UpstreamTransportError) async throws {
        let call = UpstreamCall()
        let task = Mutex<URLSessionDataTask?>(nil)
        // when: the call ends while `make` runs (on the start queue, before the task is resumed)
        let result = await withCheckedContinuation { continuation in
            call.start(continuation, timeout: .seconds(10)) { _ in
                let made = URLSession(configuration: .ephemeral).dataTask(with: URL(string: "http://127.0.0.1:9/")!)
                task.withLock { $0 = made }
                call.finish(.failure(ending))
                return made
            }
        }
        // then
        guard case .failure(let error) = result else { Issue.record("expected a failure, got \(result)"); return }
        switch error {
        case .cancelledUnsent: #expect(ending == .cancelled)
        case .notSent: #expect(ending == .timedOut)
        default: Issue.record("\(ending) while starting ended as \(error), which says it may have been sent")
        }
        #expect(task.withLock { $0 } != nil)
    }

    @Test("method, path, query, headers and body arrive as sent; answers keep status, headers and body")
    func roundTrip() async throws {
        try await withLoopbackUpstream({ request, _ in
            let simulated = SimulatorRequest(request)
            return SimulatorResponse.json(["path": simulated.path, "query": simulated.query], status: 201,
                                          headers: [("X-Ratelimit-Remaining", "4"), ("X-Request-Id", "req-7")])
        }) { upstream in
            let client = URLSessionUpstreamClient(baseURL: upstream.baseURL)
            let body = Array(#"{"text":"Спасибо за отзыв! 100% + ещё"}"#.utf8)
            let request = UpstreamRequest(
                method: "PATCH", path: "/api/v1/отзывы/a b",
                query: [("plus", "a+b"), ("amp", "x&y=z"), ("space", "two words"), ("ru", "Привет, мир"), ("empty", "")],
                headers: [("Authorization", "token-abc"), ("X-Trace", "t-1"), ("Content-Type", "application/json")],
                body: body, safety: .nonIdempotent, operation: "test.echo")

            let response = try await client.send(request, timeout: .seconds(10))

            // The upstream saw exactly what was sent.
            let received = try #require(upstream.received.first)
            #expect(received.method == "PATCH")
            #expect(received.header("authorization") == "token-abc")
            #expect(received.header("x-trace") == "t-1")
            #expect(received.header("content-type") == "application/json")
            #expect(received.body == body)
            let names = received.target.split(separator: "?", maxSplits: 1).last?.split(separator: "&").map { $0.split(separator: "=").first.map(String.init) ?? "" }
            #expect(names == ["plus", "amp", "space", "ru", "empty"], "parameters keep their order")
            let echo = try #require(response.json())
            #expect(echo["path"] == .string("/api/v1/отзывы/a b"))
            #expect(echo["query"] == .object(["plus": .string("a+b"), "amp": .string("x&y=z"), "space": .string("two words"),
                                              "ru": .string("Привет, мир"), "empty": .string("")]))
            // And its answer came back whole, with headers readable in any case.
            #expect(response.status == 201)
            #expect(response.header("x-ratelimit-remaining") == "4")
            #expect(response.header("X-RATELIMIT-REMAINING") == "4")
            #expect(response.header("X-Request-Id") == "req-7")
            #expect(response.mediaType == "application/json")
        }
    }

    @Test("given a shared ceiling other answers have nearly filled, when an answer would pass it, then the call fails overBudget and gives back what it took; with room, it succeeds and holds its bytes until the response goes")
    func overBudget() async throws {
        try await withLoopbackUpstream({ _, _ in
            HTTPResponse(status: .ok, contentType: "application/json", text: "[" + String(repeating: "1,", count: 100_000) + "1]")
        }) { upstream in
            // given: a ceiling of 1 MiB with all but 10,000 bytes held elsewhere
            let budget = BodyBudget(limit: 1 << 20)
            #expect(budget.take((1 << 20) - 10_000) == .taken)
            let client = URLSessionUpstreamClient(baseURL: upstream.baseURL, answers: budget)
            let request = UpstreamRequest(method: "GET", path: "/page", safety: .idempotent, operation: "test.page")
            // when / then
            await #expect(throws: UpstreamTransportError.overBudget(limit: 1 << 20)) { try await client.send(request, timeout: .seconds(10)) }
            #expect(budget.inUse == (1 << 20) - 10_000, "the failed answer's bytes are given back")
            budget.release((1 << 20) - 10_000)
            do {
                let response = try await client.send(request, timeout: .seconds(10))
                #expect(response.body.count == 200_003)
                withExtendedLifetime(response) { #expect(budget.inUse == 200_003, "held while the response is") }
            }
            // The delegate's thread lets go of its copy a moment after it resumed this task.
            let end = ContinuousClock.now + .seconds(5)
            while budget.inUse != 0, ContinuousClock.now < end { try? await Task.sleep(for: .milliseconds(1)) }
            #expect(budget.inUse == 0, "given back when the response goes")
        }
    }

    @Test("the client's host names the port, so each upstream gets its own circuit")
    func hostIncludesPort() {
        #expect(URLSessionUpstreamClient(baseURL: URL(string: "http://127.0.0.1:8081")!).host == "127.0.0.1:8081")
        #expect(URLSessionUpstreamClient(baseURL: URL(string: "https://feedbacks-api.wildberries.ru")!).host
            == "feedbacks-api.wildberries.ru")
    }

    @Test("given a header field named twice in different cases, when the request is built, then it is one field with both values")
    func repeatedFieldsJoin() {
        let fields = URLSessionUpstreamClient.fields([("Accept", "a/b"), ("X-Id", "1"), ("accept", "c/d")])
        #expect(fields == ["Accept": "a/b, c/d", "X-Id": "1"])
        #expect(URLSessionUpstreamClient.fields([("X-A", "1"), ("X_A", "2")]).count == 2)
    }

    @Test("given an upstream that sets a cookie, when the client calls again, then no cookie goes back")
    func cookiesIgnored() async throws {
        try await withLoopbackUpstream({ _, _ in
            HTTPResponse(status: .ok, headers: ["Content-Type": "application/json", "Set-Cookie": "session=tenant-a; Path=/"],
                         body: Array(#"{"ok":true}"#.utf8))
        }) { upstream in
            let client = URLSessionUpstreamClient(baseURL: upstream.baseURL)
            let first = try await client.send(Self.get("/login"), timeout: .seconds(10))
            #expect(first.header("set-cookie") == "session=tenant-a; Path=/")
            _ = try await client.send(Self.get("/next"), timeout: .seconds(10))
            #expect(upstream.received.count == 2)
            #expect(upstream.received.allSatisfy { $0.header("cookie") == nil })
        }
    }

    @Test("a base URL with a path prefix keeps it")
    func basePathPrefix() async throws {
        try await withLoopbackUpstream({ _, _ in Self.ok }) { upstream in
            let client = URLSessionUpstreamClient(baseURL: upstream.baseURL.appendingPathComponent("wb/"))
            _ = try await client.send(Self.get("/api/v1/feedbacks"), timeout: .seconds(10))
            #expect(upstream.received.first?.target == "/wb/api/v1/feedbacks")
        }
    }

    @Test("a port nobody listens on gives connectionRefused")
    func refused() async throws {
        let port = try ClosedPort()
        defer { port.close() }
        let client = URLSessionUpstreamClient(baseURL: URL(string: "http://127.0.0.1:\(port.port)")!)
        let error = await transportError { () async throws(UpstreamTransportError) in
            try await client.send(Self.get("/ping"), timeout: .seconds(10))
        }
        guard case .connectionRefused? = error else {
            Issue.record("expected connectionRefused, got \(String(describing: error))")
            return
        }
    }

    @Test("an upstream slower than the request's timeout gives timedOut, and the client stays usable")
    func timeout() async throws {
        let release = Gate()
        try await withLoopbackUpstream({ request, _ in
            if request.path == "/slow" { await release.wait() }
            return Self.ok
        }) { upstream in
            defer { release.open() }
            let client = URLSessionUpstreamClient(baseURL: upstream.baseURL)
            // Time enough for the request to reach the upstream however busy the machine.
            let error = await transportError { () async throws(UpstreamTransportError) in
                try await client.send(Self.get("/slow"), timeout: .seconds(1))
            }
            #expect(error == .timedOut)
            #expect(upstream.received.count == 1, "the request did reach the upstream")

            let after = try await client.send(Self.get("/fast"), timeout: .seconds(10))
            #expect(after.status == 200)
        }
    }

    @Test("cancelling the calling task while the upstream works ends send with cancelled and closes its connection")
    func cancellation() async throws {
        let upstream = try HoldingServer()
        defer { upstream.stop() }
        let client = URLSessionUpstreamClient(baseURL: upstream.baseURL)
        // A timeout far beyond the test's time limit: only cancellation can end this call in time.
        let call = Task { try await client.send(Self.get("/held"), timeout: .seconds(120)) }
        await upstream.waitForRequests(1)
        call.cancel()
        let result = await call.result
        #expect(throws: UpstreamTransportError.cancelled) { try result.get() }
        #expect(await upstream.waitForCloses(1), "the request's connection was closed, not left to the upstream")
    }

    @Test("a task cancelled before sending sends nothing")
    func cancelledBeforeSending() async throws {
        try await withLoopbackUpstream({ _, _ in Self.ok }) { upstream in
            let client = URLSessionUpstreamClient(baseURL: upstream.baseURL)
            let call = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await client.send(Self.get("/never"), timeout: .seconds(10))
            }
            let result = await call.result
            #expect(throws: UpstreamTransportError.cancelledUnsent) { try result.get() }
            _ = try await client.send(Self.get("/after"), timeout: .seconds(10))
            #expect(upstream.received.map(\.target) == ["/after"])
        }
    }

    @Test("sequential requests reuse one TCP connection")
    func connectionReuse() async throws {
        try await withLoopbackUpstream({ _, _ in Self.ok }) { upstream in
            let client = URLSessionUpstreamClient(baseURL: upstream.baseURL)
            for index in 0..<4 {
                let response = try await client.send(Self.get("/r\(index)"), timeout: .seconds(10))
                #expect(response.status == 200)
            }
            let connections = Set(upstream.received.map(\.connectionID))
            #expect(upstream.received.count == 4)
            #expect(connections.count == 1)
        }
    }

    @Test("a connection reset without an answer gives connectionLost, after one request only")
    func reset() async throws {
        try await withLoopbackUpstream({ _, _ in throw ConnectionAbort() }) { upstream in
            let client = URLSessionUpstreamClient(baseURL: upstream.baseURL)
            let error = await transportError { () async throws(UpstreamTransportError) in
                try await client.send(UpstreamRequest.json("POST", "/reply", body: Array("{}".utf8), safety: .nonIdempotent,
                                                           operation: "test.reply"),
                                      timeout: .seconds(10))
            }
            guard case .connectionLost? = error else {
                Issue.record("expected connectionLost, got \(String(describing: error))")
                return
            }
            #expect(upstream.received.count == 1)
        }
    }

    @Test("given a kept-alive connection, when the upstream drops it on receiving a write, then the write fails and was sent once",
          .timeLimit(.minutes(1)))
    func writeNotResentOnReusedConnection() async throws {
        try await withLoopbackUpstream({ request, _ in
            if request.method == .post { throw ConnectionAbort() }
            return Self.ok
        }) { upstream in
            // given
            let client = URLSessionUpstreamClient(baseURL: upstream.baseURL)
            _ = try await client.send(Self.get("/warm"), timeout: .seconds(10))
            // when
            let error = await transportError { () async throws(UpstreamTransportError) in
                try await client.send(UpstreamRequest.json("POST", "/reply", body: Array("{}".utf8), safety: .nonIdempotent,
                                                           operation: "test.reply"),
                                      timeout: .seconds(30))
            }
            _ = try await client.send(Self.get("/after"), timeout: .seconds(10))
            // then: it fails as the connection breaks, not when its time is up (when the library
            // under URLSession was found sending it again), and a read after it follows it alone
            #expect(error == .connectionLost("connection lost"))
            #expect(upstream.received.map(\.target) == ["/warm", "/reply", "/after"])
        }
    }

    @Test("an untrusted certificate, which the library reports as an unknown error, is a refused connection: nothing was sent",
          arguments: ["SSL certificate problem: self-signed certificate",
                      "SSL: no alternative certificate subject name matches target host name '127.0.0.1'"])
    func untrustedCertificate(text: String) {
        let error = NSError(domain: NSURLErrorDomain, code: NSURLErrorUnknown, userInfo: [NSLocalizedDescriptionKey: text])
        let result = URLSessionUpstreamClient.result(data: nil, response: nil, error: error)
        #expect(throws: UpstreamTransportError.connectionRefused("TLS handshake failed: \(text)")) { try result.get() }
    }

    @Test("a URL the library refuses is the gateway's own request: unsendable, not the host refusing it", arguments: [NSURLErrorBadURL, NSURLErrorUnsupportedURL])
    func refusedURL(code: Int) {
        let result = URLSessionUpstreamClient.result(data: nil, response: nil, error: NSError(domain: NSURLErrorDomain, code: code))
        #expect(throws: UpstreamTransportError.unsendable("bad URL")) { try result.get() }
    }

    @Test("a TLS read or write failing on an established connection is a lost one: the request may have gone out",
          arguments: ["OpenSSL SSL_read: Connection reset by peer, errno 104",
                      "OpenSSL SSL_read: error:0A000412:SSL routines::sslv3 alert bad certificate, errno 0"])
    func tlsReadFailure(text: String) {
        let error = NSError(domain: NSURLErrorDomain, code: NSURLErrorUnknown, userInfo: [NSLocalizedDescriptionKey: text])
        let result = URLSessionUpstreamClient.result(data: nil, response: nil, error: error)
        #expect(throws: UpstreamTransportError.connectionLost("NSURLErrorDomain -1")) { try result.get() }
    }

    @Test("an answer announcing more bytes than the client takes fails the call as too large")
    func announcedTooLarge() async throws {
        try await withLoopbackUpstream({ _, _ in
            HTTPResponse(status: .ok, contentType: "application/json", text: String(repeating: "x", count: 5_000))
        }) { upstream in
            let client = URLSessionUpstreamClient(baseURL: upstream.baseURL, maxResponseBytes: 4_096)
            let error = await transportError { () async throws(UpstreamTransportError) in
                try await client.send(Self.get("/big"), timeout: .seconds(10))
            }
            #expect(error == .responseTooLarge(limit: 4_096))
            let small = URLSessionUpstreamClient(baseURL: upstream.baseURL, maxResponseBytes: 5_000)
            let answer = try await small.send(Self.get("/big"), timeout: .seconds(10))
            #expect(answer.body.count == 5_000)
        }
    }

    @Test("an answer with no length that grows past what the client takes is cut off as too large")
    func streamedTooLarge() async throws {
        let body = [UInt8](repeating: UInt8(ascii: "x"), count: 200_000)
        let server = try RawAnswerServer(answer: Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n".utf8) + body)
        defer { server.stop() }
        let client = URLSessionUpstreamClient(baseURL: server.baseURL, maxResponseBytes: 65_536)
        let error = await transportError { () async throws(UpstreamTransportError) in
            try await client.send(Self.get("/stream"), timeout: .seconds(10))
        }
        #expect(error == .responseTooLarge(limit: 65_536))
        let roomy = URLSessionUpstreamClient(baseURL: server.baseURL, maxResponseBytes: 200_000)
        let answer = try await roomy.send(Self.get("/stream"), timeout: .seconds(10))
        #expect(answer.body.count == 200_000)
    }

    @Test("given writes ended (cancelled, or out of time) while their data task is being made, then the process carries on and later writes are sent",
          .timeLimit(.minutes(1)))
    func writesEndedWhileStarting() async throws {
        try await withLoopbackUpstream({ _, _ in Self.ok }) { upstream in
            let client = URLSessionUpstreamClient(baseURL: upstream.baseURL)
            let write = UpstreamRequest.json("POST", "/reply", body: Array("{}".utf8), safety: .nonIdempotent, operation: "test.reply")
            // A write's own session was invalidated as `send` returned, while the task was still
            // to be made on it: FoundationNetworking stops the process there ("Session invalidated").
            await withTaskGroup(of: Void.self) { group in
                for lane in 0..<4 {
                    group.addTask {
                        for index in 0..<400 {
                            if (lane + index) % 2 == 0 {
                                let task = Task { try? await client.send(write, timeout: .seconds(5)) }
                                await Task.yield()
                                task.cancel()
                                _ = await task.value
                            } else {
                                _ = try? await client.send(write, timeout: .nanoseconds(1))
                            }
                        }
                    }
                }
            }
            let answer = try await client.send(write, timeout: .seconds(10))
            #expect(answer.status == 200)
        }
    }

    @Test("redirects are handed back, not followed with the tenant's credentials")
    func redirectsNotFollowed() async throws {
        try await withLoopbackUpstream({ _, _ in
            HTTPResponse(status: HTTPStatus(302), headers: ["Location": "http://127.0.0.1:1/steal", "Content-Length": "0"])
        }) { upstream in
            let client = URLSessionUpstreamClient(baseURL: upstream.baseURL)
            let request = UpstreamRequest(method: "GET", path: "/moved", headers: [("Authorization", "secret-token")],
                                          safety: .idempotent, operation: "test.redirect")
            let response = try await client.send(request, timeout: .seconds(10))
            #expect(response.status == 302)
            #expect(response.header("location") == "http://127.0.0.1:1/steal")
            #expect(upstream.received.count == 1)
        }
    }
}

import Glibc
import HTTP
@testable import Server
import Synchronization
import Testing

/// `HTTPClient` against scripted upstreams on loopback: the framings a server may choose, the
/// connection pool, and every way a call can end without a response.
@Suite("HTTP client: framing, keep-alive and failures", .timeLimit(.minutes(1)))
struct HTTPClientTests {
    /// Idle connections kept an hour, not the default 4 s: a busy machine can hold a test's task
    /// that long between two calls, and the next would rightly open another connection.
    static let keptIdle = HTTPClient.Configuration(idleTimeout: .seconds(3600))

    static func getRequest(_ path: String = "/items") -> HTTPClientRequest {
        HTTPClientRequest(method: "GET", target: Array(path.utf8), isIdempotent: true)
    }

    static func post(_ body: String) -> HTTPClientRequest {
        HTTPClientRequest(method: "POST", target: Array("/reply".utf8), headers: [("Content-Type", "application/json")],
                          body: Array(body.utf8), isIdempotent: false)
    }

    static func text(_ response: HTTPClientResponse) -> String { String(decoding: response.body, as: UTF8.self) }

    /// Answers every request on the connection with `body`, keeping it open.
    static func answering(_ body: String, extra: String = "") -> @Sendable (ScriptedUpstream.Peer) -> Void {
        { peer in
            while peer.readRequest() != nil {
                peer.send("HTTP/1.1 200 OK\r\nContent-Length: \(body.utf8.count)\r\n\(extra)\r\n\(body)")
            }
            peer.close()
        }
    }

    @Test("given a body split over several writes, when it is read, then it arrives whole with its fields")
    func contentLengthInPieces() async throws {
        let upstream = ScriptedUpstream { peer in
            _ = peer.readRequest()
            peer.send("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nX-Trace: a\r\nx-trace: b\r\nContent-Length: 23\r\n\r\n")
            usleep(20_000)
            peer.send("{\"items\":[1,2,")
            usleep(20_000)
            peer.send("3],\"n\":3}")
            peer.close()
        }
        defer { upstream.stop() }
        let response = try await HTTPClient(host: "127.0.0.1", port: upstream.port).execute(Self.getRequest(), timeout: .seconds(5))
        #expect(response.status == 201)
        #expect(Self.text(response) == "{\"items\":[1,2,3],\"n\":3}")
        #expect(response.headers.filter { $0.name == "x-trace" }.map(\.value) == ["a", "b"])
        #expect(response.headers.contains { $0.name == "content-type" && $0.value == "application/json" })
    }

    @Test("given a chunked body with extensions and a trailer, then the client returns the decoded bytes")
    func chunked() async throws {
        let upstream = ScriptedUpstream { peer in
            _ = peer.readRequest()
            peer.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n")
            usleep(20_000)
            peer.send("6\r\n world\r\n0\r\nX-Checksum: 1\r\n\r\n")
            peer.waitForClose()
        }
        defer { upstream.stop() }
        let response = try await HTTPClient(host: "127.0.0.1", port: upstream.port).execute(Self.getRequest(), timeout: .seconds(5))
        #expect(Self.text(response) == "hello world")
    }

    @Test("given no framing at all, then the body runs to the close and the connection is not reused")
    func untilClose() async throws {
        let upstream = ScriptedUpstream { peer in
            _ = peer.readRequest()
            peer.send("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of ")
            usleep(20_000)
            peer.send("this")
            peer.close()
        }
        defer { upstream.stop() }
        let client = HTTPClient(host: "127.0.0.1", port: upstream.port)
        #expect(Self.text(try await client.execute(Self.getRequest(), timeout: .seconds(5))) == "all of this")
        #expect(Self.text(try await client.execute(Self.getRequest(), timeout: .seconds(5))) == "all of this")
        #expect(upstream.connectionCount == 2)
    }

    @Test("given 100 Continue before the answer, then the answer is what returns")
    func informational() async throws {
        let upstream = ScriptedUpstream.answering("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        defer { upstream.stop() }
        let response = try await HTTPClient(host: "127.0.0.1", port: upstream.port).execute(Self.post("{}"), timeout: .seconds(5))
        #expect(response.status == 200)
        #expect(Self.text(response) == "ok")
    }

    @Test("given keep-alive, then sequential reads share one connection and each request is framed")
    func keepAlive() async throws {
        let upstream = ScriptedUpstream(Self.answering("fine"))
        defer { upstream.stop() }
        let client = HTTPClient(host: "127.0.0.1", port: upstream.port, configuration: Self.keptIdle)
        _ = try await client.execute(Self.getRequest("/a?x=1"), timeout: .seconds(5))
        _ = try await client.execute(Self.post("{\"text\":\"привет\"}"), timeout: .seconds(5))
        _ = try await client.execute(HTTPClientRequest(method: "POST", target: Array("/empty".utf8), isIdempotent: false),
                                     timeout: .seconds(5))
        _ = try await client.execute(Self.getRequest("/b"), timeout: .seconds(5))
        _ = try await client.execute(Self.getRequest("/c"), timeout: .seconds(5))
        // The two writes went on connections of their own (HTTPClientConnectionChoiceTests); the
        // reads after them took kept-alive ones.
        #expect(upstream.connectionCount == 3)
        let requests = upstream.requests
        try #require(requests.count == 5)
        #expect(requests[0].hasPrefix("GET /a?x=1 HTTP/1.1\r\n"))
        #expect(requests[0].contains("\r\nHost: 127.0.0.1:\(upstream.port)\r\n"))
        #expect(requests[0].contains("\r\nAccept-Encoding: identity\r\n"))
        #expect(!requests[0].lowercased().contains("content-length"))
        #expect(requests[1].hasPrefix("POST /reply HTTP/1.1\r\n"))
        #expect(requests[1].contains("\r\nContent-Length: \("{\"text\":\"привет\"}".utf8.count)\r\n"))
        #expect(requests[1].hasSuffix("\r\n\r\n{\"text\":\"привет\"}"))
        #expect(requests[2].contains("\r\nContent-Length: 0\r\n"))
    }

    @Test("given an upstream that answers a large body early and closes without reading it, then its answer is the call's outcome, not the broken write")
    func earlyAnswer() async throws {
        let upstream = ScriptedUpstream { peer in
            var chunk = [UInt8](repeating: 0, count: 65536)
            _ = recv(peer.fd, &chunk, chunk.count, 0)
            peer.send("HTTP/1.1 413 Content Too Large\r\nContent-Length: 9\r\nConnection: close\r\n\r\ntoo large")
            // Closed with the body unread: the kernel resets the connection under the client's write.
            peer.close()
        }
        defer { upstream.stop() }
        let request = HTTPClientRequest(method: "POST", target: Array("/upload".utf8), headers: [("Content-Type", "application/octet-stream")],
                                        body: [UInt8](repeating: 0x61, count: 32 << 20), isIdempotent: false)
        let response = try await HTTPClient(host: "127.0.0.1", port: upstream.port).execute(request, timeout: .seconds(10))
        #expect(response.status == 413)
        #expect(Self.text(response) == "too large")
    }

    @Test("given a connection the server drops as a request arrives, then a read on a kept-alive one is sent again and a write is not")
    func staleConnection() async throws {
        // Every connection answers its first read and drops the next request, or a write, unanswered.
        let upstream = ScriptedUpstream { peer in
            guard let first = peer.readRequest(), first.hasPrefix("GET") else { return peer.close() }
            peer.send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst")
            _ = peer.readRequest()
            peer.close()
        }
        defer { upstream.stop() }
        let client = HTTPClient(host: "127.0.0.1", port: upstream.port, configuration: Self.keptIdle)
        _ = try await client.execute(Self.getRequest(), timeout: .seconds(5))
        let read = try await client.execute(Self.getRequest(), timeout: .seconds(5))
        #expect(Self.text(read) == "first")
        #expect(upstream.connectionCount == 2)

        // The write goes out on a new connection, is dropped, and is not repeated.
        await #expect(throws: HTTPClientError.self) { try await client.execute(Self.post("{\"once\":1}"), timeout: .seconds(5)) }
        #expect(upstream.requests.filter { $0.hasPrefix("POST") }.count == 1)
        #expect(upstream.connectionCount == 3)
    }

    @Test("given a kept-alive connection that closes after more than 64 KiB of a chunked answer, then the read fails and is not sent again")
    func closedMidChunkedAnswer() async throws {
        // Every connection answers its first read, then sends 66,000 bytes of a 100,000-byte
        // chunk to the next and closes. The last 64,000 go in one segment, so the read that takes
        // them passes 64 KiB of decoded framing and the client drops its input: it is empty again
        // at the close, though something was answered.
        let upstream = ScriptedUpstream { peer in
            guard peer.readRequest() != nil else { return peer.close() }
            peer.send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst")
            guard peer.readRequest() != nil else { return peer.close() }
            peer.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + String(100_000, radix: 16) + "\r\n"
                      + String(repeating: "x", count: 2_000))
            usleep(50_000)
            peer.send(String(repeating: "x", count: 64_000))
            peer.close()
        }
        defer { upstream.stop() }
        let client = HTTPClient(host: "127.0.0.1", port: upstream.port, configuration: Self.keptIdle)
        _ = try await client.execute(Self.getRequest(), timeout: .seconds(5))
        await #expect(throws: HTTPClientError.connectionLost("127.0.0.1:\(upstream.port): connection closed before the response ended")) {
            try await client.execute(Self.getRequest("/large"), timeout: .seconds(5))
        }
        #expect(upstream.requests.filter { $0.hasPrefix("GET /large") }.count == 1)
        #expect(upstream.connectionCount == 1)
    }

    @Test("given an idle connection the server has closed, then a read goes out on a new connection, not on the closed one")
    func closedIdleConnection() async throws {
        let firstClosed = Atomic<Bool>(false)
        let upstream = ScriptedUpstream { peer in
            guard peer.readRequest() != nil else { return peer.close() }
            peer.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            // half-closed once the FIN is in the client's socket, where the client can see it;
            // a request the client still sent here would be read (and logged), then go unanswered
            shutdown(peer.fd, Int32(SHUT_WR))
            let acknowledged = finAcknowledged(peer.fd)
            if peer.index == 0 { firstClosed.store(acknowledged, ordering: .relaxed) }
            while peer.readRequest() != nil {}
            peer.close()
        }
        defer { upstream.stop() }
        let client = HTTPClient(host: "127.0.0.1", port: upstream.port, configuration: Self.keptIdle)
        _ = try await client.execute(Self.getRequest(), timeout: .seconds(5))
        // the FIN, sent, is in the client's socket
        #expect(await eventually { firstClosed.load(ordering: .relaxed) })
        let response = try await client.execute(Self.getRequest("/again"), timeout: .seconds(5))
        #expect(Self.text(response) == "ok")
        // then: the read went out once, on the second connection (reused, the first would have
        // taken it too, and the read would have been resent after its EOF)
        #expect(upstream.requests.filter { $0.hasPrefix("GET /again") }.count == 1)
        #expect(upstream.connectionCount == 2)
    }

    @Test("given a write waiting for the only connection, when the server closes it right after its response, then the write goes out on a new one")
    func queuedWriteAfterClose() async throws {
        // given: one connection; the first answer leaves with the FIN in the same segment
        // (corked, then shut down), so the client sees both in one wake-up, once the write is queued
        let writeQueued = Atomic<Bool>(false)
        let upstream = ScriptedUpstream { peer in
            guard let request = peer.readRequest() else { return peer.close() }
            if request.hasPrefix("GET") {
                while !writeQueued.load(ordering: .relaxed) { usleep(5_000) }
                var one: Int32 = 1
                setsockopt(peer.fd, Int32(IPPROTO_TCP), TCP_CORK, &one, socklen_t(MemoryLayout<Int32>.size))
                peer.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                shutdown(peer.fd, Int32(SHUT_WR))
                usleep(100_000)
                peer.close()
            } else {
                peer.send("HTTP/1.1 201 Created\r\nContent-Length: 7\r\n\r\nreplied")
                peer.close()
            }
        }
        defer { upstream.stop() }
        let client = HTTPClient(host: "127.0.0.1", port: upstream.port, configuration: .init(maxConnections: 1))
        // when: the read is on the only connection, and the write waits for it
        async let read = client.execute(Self.getRequest(), timeout: .seconds(30))
        #expect(await eventually { upstream.requests.count == 1 })
        async let write = client.execute(Self.post("{}"), timeout: .seconds(30))
        #expect(await eventuallyAwaiting { await client.waitingOnSharedLoop() == 1 })
        writeQueued.store(true, ordering: .relaxed)
        // then
        #expect(Self.text(try await read) == "ok")
        #expect(Self.text(try await write) == "replied")
        #expect(upstream.connectionCount == 2)
    }

    @Test("given a response that never completes, then the call times out and the connection is closed")
    func timeout() async throws {
        let closed = Atomic<Bool>(false)
        let upstream = ScriptedUpstream { peer in
            _ = peer.readRequest()
            peer.send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial")
            if peer.waitForClose() { closed.store(true, ordering: .relaxed) }
        }
        defer { upstream.stop() }
        let client = HTTPClient(host: "127.0.0.1", port: upstream.port)
        await #expect(throws: HTTPClientError.timedOut) { try await client.execute(Self.getRequest(), timeout: .milliseconds(200)) }
        #expect(await eventually { closed.load(ordering: .relaxed) })
    }

    @Test("given the only connection busy, when a queued read's time runs out, then it ends as never sent, not as timed out")
    func queuedCallTimesOutUnsent() async throws {
        let release = Atomic<Bool>(false)
        let upstream = ScriptedUpstream { peer in
            _ = peer.readRequest()
            while !release.load(ordering: .relaxed) { usleep(5_000) }
            peer.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            peer.close()
        }
        defer { upstream.stop() }
        let client = HTTPClient(host: "127.0.0.1", port: upstream.port, configuration: .init(maxConnections: 1))
        // given
        async let first = client.execute(Self.getRequest(), timeout: .seconds(30))
        #expect(await eventually { upstream.connectionCount == 1 })
        // when
        let queued = await #expect(throws: HTTPClientError.self) { try await client.execute(Self.getRequest(), timeout: .milliseconds(200)) }
        release.store(true, ordering: .relaxed)
        // then
        guard case .notSent(let reason)? = queued else { Issue.record("expected notSent, got \(String(describing: queued))"); return }
        #expect(reason.contains("within the call's time"))
        #expect(Self.text(try await first) == "ok")
        #expect(upstream.connectionCount == 1)
    }

    @Test("given a write queued behind a slow call, when the connection frees with less than the minimum time left, then the write fails as never sent")
    func lateQueuedWriteNotSent() async throws {
        let release = Atomic<Bool>(false)
        let upstream = ScriptedUpstream { peer in
            while let request = peer.readRequest() {
                if request.hasPrefix("GET") {
                    while !release.load(ordering: .relaxed) { usleep(5_000) }
                    peer.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                } else {
                    peer.send("HTTP/1.1 201 Created\r\nContent-Length: 7\r\n\r\nreplied")
                }
            }
        }
        defer { upstream.stop() }
        // A write is held to 45 s, and has 40: whenever the connection frees, it is too late. Both
        // calls' times are long so that no stall of the test runs them out first.
        let client = HTTPClient(host: "127.0.0.1", port: upstream.port,
                                configuration: .init(maxConnections: 1, minimumWriteTime: .seconds(45)))
        // given
        async let read = client.execute(Self.getRequest(), timeout: .seconds(50))
        #expect(await eventually { upstream.connectionCount == 1 })
        // when: a write joins the queue behind the read, and the read then ends
        let write = Task { () async throws(HTTPClientError) -> HTTPClientResponse in
            try await client.execute(Self.post("{}"), timeout: .seconds(40))
        }
        #expect(await eventuallyAwaiting { await client.waitingOnSharedLoop() == 1 })  // in line behind the read
        release.store(true, ordering: .relaxed)
        // then
        let outcome = await write.result
        guard case .failure(let failure) = outcome, case HTTPClientError.notSent(let reason)? = failure as? HTTPClientError else {
            Issue.record("expected notSent, got \(outcome)"); return
        }
        #expect(reason.contains("in time to send the write"))
        #expect(Self.text(try await read) == "ok")
        #expect(upstream.requests.count == 1)
    }

    @Test("given no connection yet, when a write with less than the minimum time comes, then it goes out on a new connection")
    func shortWriteOnFreshPool() async throws {
        let upstream = ScriptedUpstream { peer in
            _ = peer.readRequest()
            peer.send("HTTP/1.1 201 Created\r\nContent-Length: 7\r\n\r\nreplied")
            peer.close()
        }
        defer { upstream.stop() }
        let client = HTTPClient(host: "127.0.0.1", port: upstream.port, configuration: .init(minimumWriteTime: .seconds(30)))
        #expect(Self.text(try await client.execute(Self.post("{}"), timeout: .seconds(20))) == "replied")
    }

    @Test("given an answer in a content coding that was not asked for, then the call fails saying so, not with the coded bytes")
    func unaskedContentCoding() async throws {
        let upstream = ScriptedUpstream { peer in
            _ = peer.readRequest()
            peer.send("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\n\u{1F}\u{7F}\u{08}\u{00}")
            peer.close()
        }
        defer { upstream.stop() }
        let client = HTTPClient(host: "127.0.0.1", port: upstream.port)
        let error = await #expect(throws: HTTPClientError.self) { try await client.execute(Self.getRequest(), timeout: .seconds(5)) }
        guard case .unreadableResponse(let status, let reason)? = error else {
            Issue.record("expected unreadableResponse, got \(String(describing: error))")
            return
        }
        #expect(status == 200)
        #expect(reason.contains("Content-Encoding gzip"))
    }

    @Test("given an answer without a body that names a content coding, then it is taken: there is nothing to misread")
    func contentCodingWithoutBody() async throws {
        let upstream = ScriptedUpstream { peer in
            _ = peer.readRequest()
            peer.send("HTTP/1.1 204 No Content\r\nContent-Encoding: gzip\r\n\r\n")
            peer.close()
        }
        defer { upstream.stop() }
        let client = HTTPClient(host: "127.0.0.1", port: upstream.port)
        #expect(try await client.execute(Self.post("{}"), timeout: .seconds(5)).status == 204)
    }

    @Test("given a call in flight, when its task is cancelled, then it ends as cancelled and its connection is closed")
    func cancellation() async throws {
        let upstreamClosed = Counter()
        let upstream = ScriptedUpstream.silent(closes: upstreamClosed)
        defer { upstream.stop() }
        let client = HTTPClient(host: "127.0.0.1", port: upstream.port)
        let call = Task { try await client.execute(Self.getRequest(), timeout: .seconds(30)) }
        #expect(await eventually { upstream.requests.count == 1 })
        call.cancel()
        await #expect(throws: HTTPClientError.cancelled) { try await call.value }
        #expect(await eventually { upstreamClosed.current == 1 })
    }

    @Test("given nothing listening, then the call fails as connectFailed")
    func refused() async throws {
        // A port bound but not listening refuses connections.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = bind(fd, $0, length); _ = getsockname(fd, $0, &length) }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        let error = await #expect(throws: HTTPClientError.self) {
            try await HTTPClient(host: "127.0.0.1", port: port).execute(Self.getRequest(), timeout: .seconds(5))
        }
        guard case .connectFailed(let reason)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(reason.contains("refused"))
        #expect(!reason.contains("127.0.0.1"), "the caller names the host; the reason must not repeat it: \(reason)")
    }

    @Test("given a name that does not resolve, then the call fails as connectFailed saying so")
    func unresolvable() async throws {
        // A label longer than DNS allows (63 bytes): glibc finds no such name in /etc/hosts and
        // cannot build a query for it, so nothing leaves the machine (a `.invalid` name of a
        // legal length goes to the configured name server).
        let name = String(repeating: "n", count: 64) + ".invalid"
        let error = await #expect(throws: HTTPClientError.self) {
            try await HTTPClient(host: name, port: 80).execute(Self.getRequest(), timeout: .seconds(20))
        }
        guard case .connectFailed(let reason)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(reason.contains("does not resolve"))
        #expect(!reason.contains("nnnn"), "the caller names the host; the reason must not repeat it: \(reason)")
    }

    @Test("given a host name, then it is resolved off the loop and the Host field names it",
          .enabled(if: HTTPClientTests.localhostIsLoopback(), "localhost does not resolve to 127.0.0.1 here"))
    func resolvesNames() async throws {
        let upstream = ScriptedUpstream(Self.answering("named"))
        defer { upstream.stop() }
        let name = "localhost"
        let client = HTTPClient(host: name, port: upstream.port)
        #expect(Self.text(try await client.execute(Self.getRequest(), timeout: .seconds(5))) == "named")
        #expect(Self.text(try await client.execute(Self.getRequest(), timeout: .seconds(5))) == "named")
        #expect(upstream.requests.first?.contains("\r\nHost: \(name):\(upstream.port)\r\n") == true)
    }

    /// Whether `localhost` names 127.0.0.1 (from /etc/hosts: no name server is asked for it).
    static func localhostIsLoopback() -> Bool {
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo("localhost", "80", &hints, &list) == 0, let list else { return false }
        defer { freeaddrinfo(list) }
        guard let address = list.pointee.ai_addr else { return false }
        return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr == inet_addr("127.0.0.1") }
    }

    @Test("given a line break in a header value, then nothing is sent and the value is not quoted")
    func headerInjection() async throws {
        let upstream = ScriptedUpstream(Self.answering("x"))
        defer { upstream.stop() }
        let request = HTTPClientRequest(method: "GET", target: Array("/".utf8), headers: [("Api-Key", "secret\r\nX-Evil: 1")],
                                        isIdempotent: true)
        let error = await #expect(throws: HTTPClientError.self) {
            try await HTTPClient(host: "127.0.0.1", port: upstream.port).execute(request, timeout: .seconds(5))
        }
        guard case .invalidRequest(let reason)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(reason.contains("Api-Key") && !reason.contains("secret"))
        #expect(upstream.connectionCount == 0)
    }

    @Test("given conflicting Content-Length values, or an unknown transfer coding, then the response is refused as unreadable, with no status, in words (no type's name)",
          arguments: [("Content-Length: 2\r\nContent-Length: 3\r\n", "a malformed Content-Length, or several that differ"),
                      ("Content-Length: 2x\r\n", "a malformed Content-Length, or several that differ"),
                      ("Transfer-Encoding: gzip\r\n", "a transfer coding other than chunked")])
    func malformed(fields: String, words: String) async throws {
        let upstream = ScriptedUpstream.answering("HTTP/1.1 200 OK\r\n\(fields)\r\nabc")
        defer { upstream.stop() }
        let error = await #expect(throws: HTTPClientError.self) {
            try await HTTPClient(host: "127.0.0.1", port: upstream.port).execute(Self.getRequest(), timeout: .seconds(5))
        }
        guard case .unreadableResponse(nil, let reason)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(reason == "a response head HTTP/1.1 does not allow: " + words)
    }

    @Test("given a chunk size that is not hexadecimal, then the call fails as a lost connection saying so in words")
    func malformedChunkSize() async throws {
        let upstream = ScriptedUpstream.answering("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n")
        defer { upstream.stop() }
        let error = await #expect(throws: HTTPClientError.self) {
            try await HTTPClient(host: "127.0.0.1", port: upstream.port).execute(Self.getRequest(), timeout: .seconds(5))
        }
        #expect(error == .connectionLost("invalid chunked body from 127.0.0.1:\(upstream.port): A chunk size is not a hexadecimal number."))
    }

    @Test("given a body over the limit, then the call fails as responseTooLarge", arguments: [false, true])
    func tooLarge(chunked: Bool) async throws {
        let upstream = ScriptedUpstream { peer in
            _ = peer.readRequest()
            let body = String(repeating: "x", count: 2000)
            peer.send(chunked ? "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n\(body)\r\n0\r\n\r\n"
                              : "HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n\(body)")
            peer.waitForClose()
        }
        defer { upstream.stop() }
        let client = HTTPClient(host: "127.0.0.1", port: upstream.port, configuration: .init(maxBodyLength: 1000))
        await #expect(throws: HTTPClientError.responseTooLarge(limit: 1000)) { try await client.execute(Self.getRequest(), timeout: .seconds(5)) }
    }

    @Test("given a response that exactly fills a read, followed at once by an answer nobody asked for, when a call waits for the connection, then it never gets that answer")
    func strayAnswerAfterFullRead() async throws {
        let secondQueued = Atomic<Bool>(false)
        let upstream = ScriptedUpstream { peer in
            var first = true
            while let request = peer.readRequest() {
                let path = String(request.split(separator: " ")[1])
                if first {
                    first = false
                    while !secondQueued.load(ordering: .relaxed) { usleep(5_000) }  // the second call is queued behind this one
                    // One response of exactly 65,536 bytes (the loop's read buffer), then a stray one.
                    let head = "HTTP/1.1 200 OK\r\nContent-Length: "
                    let length = 65_536 - head.utf8.count - 5 - 4
                    peer.send(head + String(length) + "\r\n\r\n" + String(repeating: "x", count: length)
                              + "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nSTRAY!")
                } else {
                    peer.send("HTTP/1.1 200 OK\r\nContent-Length: \(path.utf8.count)\r\n\r\n\(path)")
                }
            }
            peer.close()
        }
        defer { upstream.stop() }
        let client = HTTPClient(host: "127.0.0.1", port: upstream.port, configuration: .init(maxConnections: 1))
        // Whichever goes out first is answered with the full read; the other waits for the
        // connection, which then holds the stray answer, and so goes out on a new one (whose
        // first answer is the same full read).
        async let one = client.execute(Self.getRequest("/one"), timeout: .seconds(30))
        async let two = client.execute(Self.getRequest("/two"), timeout: .seconds(30))
        #expect(await eventuallyAwaiting { await client.waitingOnSharedLoop() == 1 && upstream.requests.count == 1 })
        secondQueued.store(true, ordering: .relaxed)
        let bodies = try await [Self.text(one), Self.text(two)]
        #expect(!bodies.contains("STRAY!"))
        #expect(bodies.map(\.utf8.count) == [65_494, 65_494])
        #expect(upstream.connectionCount == 2)
    }

    @Test("given an upstream that sends interim responses without end, then the call fails instead of holding its loop")
    func endlessInterimResponses() async throws {
        let upstream = ScriptedUpstream { peer in
            _ = peer.readRequest()
            for _ in 0..<1000 { peer.send(String(repeating: "HTTP/1.1 100 Continue\r\n\r\n", count: 100)) }
            peer.waitForClose()
        }
        defer { upstream.stop() }
        let error = await #expect(throws: HTTPClientError.self) {
            try await HTTPClient(host: "127.0.0.1", port: upstream.port).execute(Self.getRequest(), timeout: .seconds(30))
        }
        guard case .connectionLost(let reason)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(reason.contains("interim responses"))
    }

    @Test("given more calls than connections, then they wait their turn and all are answered")
    func poolLimit() async throws {
        let release = Atomic<Bool>(false)
        let upstream = ScriptedUpstream { peer in
            while let request = peer.readRequest() {
                while !release.load(ordering: .relaxed) { usleep(5_000) }
                let path = request.split(separator: " ")[1]
                peer.send("HTTP/1.1 200 OK\r\nContent-Length: \(path.utf8.count)\r\n\r\n\(path)")
            }
            peer.close()
        }
        defer { upstream.stop() }
        let client = HTTPClient(host: "127.0.0.1", port: upstream.port, configuration: .init(maxConnections: 2, idleTimeout: .seconds(3600)))
        async let bodies = withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<6 { group.addTask { Self.text(try await client.execute(Self.getRequest("/\(i)"), timeout: .seconds(30))) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        // two calls on the two connections, the other four in line (or more connections than allowed)
        #expect(await eventuallyAwaiting { await client.waitingOnSharedLoop() == 4 || upstream.connectionCount > 2 })
        release.store(true, ordering: .relaxed)
        #expect(try await bodies.sorted() == (0..<6).map { "/\($0)" })
        #expect(upstream.connectionCount == 2)
    }

    @Test("given a handler on a server loop, then its upstream call is served from that loop")
    func fromServerLoop() async throws {
        let upstream = ScriptedUpstream(Self.answering("{\"upstream\":true}", extra: "Content-Type: application/json\r\n"))
        defer { upstream.stop() }
        let client = HTTPClient(host: "127.0.0.1", port: upstream.port)
        try await withServer(handler: { _, _ in
            let answer = try await client.execute(Self.getRequest(), timeout: .seconds(5))
            // The call went through this loop's own pool, not the shared client loop's.
            let servedHere = EventLoop.onThisThread?.clientPools[client.id] != nil
            return HTTPResponse(status: .ok, headers: ["Content-Type": "application/json", "Served-Here": "\(servedHere)"], body: answer.body)
        }) { server in
            try await onDedicatedThread {
                let connection = try server.connect()
                for _ in 0..<3 {
                    try connection.send(get("/proxy"))
                    let response = try connection.readResponse()
                    #expect(response.status == 200)
                    #expect(response[header: "Served-Here"] == "true")
                    #expect(String(decoding: response.body, as: UTF8.self) == "{\"upstream\":true}")
                }
                connection.close()
            }
        }
        #expect(upstream.requests.count == 3)
    }
}

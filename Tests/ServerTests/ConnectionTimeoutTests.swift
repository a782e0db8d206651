import Glibc
import HTTP
import Server
import Testing

/// Every timeout here is short (300-500 ms) and every check is about what the client observes: a
/// 408, a silent close, a reset. None asserts how long anything took. The header timeout runs from
/// accept: where it is not under test it is a minute, so that a busy machine cannot expire it
/// between connect and send; where it is, a test that needs the head in first measures how long
/// sending it took.
@Suite("Connection: timeouts")
struct ConnectionTimeoutTests {
    private static func short(_ c: inout ServerConfiguration) {
        c.headerReadTimeout = .milliseconds(500)
        c.bodyReadTimeout = .milliseconds(300)
        c.idleTimeout = .milliseconds(300)
        c.writeTimeout = .milliseconds(300)
    }

    /// `short` for every timeout but the header's, for the tests of the others.
    private static func shortAfterTheHead(_ c: inout ServerConfiguration) {
        short(&c)
        c.headerReadTimeout = .seconds(60)
    }

    @Test func aConnectionAfterALongQuietSpellIsServed() async throws {
        // given: one loop whose header timeout is shorter than the time it then sleeps in epoll
        try await withServer({ $0.loopCount = 1; $0.headerReadTimeout = .milliseconds(500) }, handler: Handlers.ok) { server in
            let warm = try server.connect()
            try warm.send(get("/warm", "Connection: close"))
            #expect(try warm.readResponse().status == 200)
            // when: a new client arrives after the quiet spell, and (a busy machine may stall one
            // attempt past the header timeout) sends its request within that timeout
            var sent: TestClient?
            for _ in 0..<3 where sent == nil {
                usleep(1_200_000)
                let began = ContinuousClock.now
                let client = try server.connect()
                try client.send(get("/after-quiet"))
                if ContinuousClock.now - began < .milliseconds(500) { sent = client }
            }
            let client = try #require(sent, "never connected and sent within the header timeout")
            // then: its timers count from when the loop woke up, so it is answered, not cut off
            #expect(try client.readResponse().status == 200)
        }
    }

    @Test func partialHeadGets408AndIsClosed() async throws {
        // given
        try await withServer(Self.short, handler: Handlers.ok) { server in
            let client = try server.connect()
            // when: half a head, then nothing
            try client.send("GET /slow HTTP/1.1\r\nHost: te")
            let response = try client.readResponse()
            let rest = client.readUntilClose()
            // then
            expectProblem(response, status: 408)
            #expect(problemType(response.text) == "/problems/request_timeout")
            #expect(rest.bytes.isEmpty)
            #expect(rest.end == .eof)
        }
    }

    @Test func aHeadRequestWhoseHeadTimesOutGetsA408WithoutContent() async throws {
        // given
        try await withServer(Self.short, handler: Handlers.ok) { server in
            let client = try server.connect()
            // when: a HEAD's request line and half a head, then nothing
            try client.send("HEAD /slow HTTP/1.1\r\nHost: te")
            let raw = String(decoding: client.readUntilClose().bytes, as: UTF8.self)
            // then: the 408's head and nothing after it (RFC 9110 §9.3.2)
            #expect(raw.hasPrefix("HTTP/1.1 408 "), "\(raw)")
            #expect(raw.hasSuffix("\r\n\r\n"), "\(raw)")
        }
    }

    @Test func drippingHeaderLinesDoesNotExtendTheHeaderTimeout() async throws {
        // given
        try await withServer(Self.short, handler: Handlers.ok) { server in
            let client = try server.connect()
            try client.send("GET /drip HTTP/1.1\r\nHost: test\r\n")
            // when: one more header line every 100 ms, 30 lines in all (3 s), unless the server answers first
            var linesSent = 0
            var sendFailed = false
            while linesSent < 30 {
                do {
                    try client.send("X-Drip-\(linesSent): v\r\n")
                } catch {
                    sendFailed = true
                    break
                }
                linesSent += 1
                if client.waitReadable(milliseconds: 100) { break }
            }
            let outcome: String
            if sendFailed {
                outcome = "send failed"
            } else {
                let received = client.readUntilClose()
                outcome = received.bytes.isEmpty ? "\(received.end)" : String(decoding: received.bytes.prefix(12), as: UTF8.self)
            }
            // then: cut off while still dripping, with a 408 (or a close/reset)
            #expect(linesSent < 30)
            #expect(["HTTP/1.1 408", "send failed", "eof", "reset"].contains(outcome), "\(outcome)")
        }
    }

    @Test func incompleteBodyGets408AndIsClosed() async throws {
        // given
        let calls = Counter()
        try await withServer(Self.shortAfterTheHead, handler: { request, context in
            calls.increment()
            return try await Handlers.echoBody(request, context)
        }) { server in
            let client = try server.connect()
            // when: 3 of 10 declared bytes
            try client.send("POST /upload HTTP/1.1\r\nHost: test\r\nContent-Length: 10\r\n\r\nabc")
            let response = try client.readResponse()
            let rest = client.readUntilClose()
            // then
            expectProblem(response, status: 408)
            #expect(rest.end == .eof)
            #expect(calls.current == 0)
        }
    }

    @Test func idleKeepAliveConnectionIsClosedSilently() async throws {
        // given
        try await withServer(Self.shortAfterTheHead, handler: Handlers.ok) { server in
            let client = try server.connect()
            try client.send(get("/"))
            let response = try client.readResponse()
            // when: nothing more is sent
            let rest = client.readUntilClose()
            // then: closed without a 408 or any other byte
            #expect(response.status == 200)
            #expect(rest.bytes.isEmpty)
            #expect(rest.end == .eof)
            #expect(await server.waitUntilNoConnections())
        }
    }

    @Test func anEmptyLineAfterARequestIsIgnoredAndTheConnectionClosesSilently() async throws {
        // given: a client that ends its request with one CRLF too many (RFC 9112 §2.2)
        try await withServer(Self.short, handler: Handlers.ok) { server in
            let client = try #require(try server.connect(sending: get("/") + "\r\n", within: .milliseconds(500)), "never sent within the timeout")
            let response = try client.readResponse()
            // when: nothing more is sent
            let rest = client.readUntilClose()
            // then: no 408 for a request that never began, just the close
            #expect(response.status == 200)
            #expect(rest.bytes.isEmpty, "\(String(decoding: rest.bytes, as: UTF8.self))")
            #expect(rest.end == .eof)
        }
    }

    @Test func emptyLinesAfterAResponseLeaveTheConnectionIdleNotWaitingForAHead() async throws {
        // given: a header timeout far shorter than the idle one
        try await withServer({
            $0.headerReadTimeout = .milliseconds(300)
            $0.idleTimeout = .seconds(60)
        }, handler: Handlers.ok) { server in
            let client = try #require(try server.connect(sending: get("/") + "\r\n", within: .milliseconds(300)), "never sent within the timeout")
            #expect(try client.readResponse().status == 200)
            try client.send("\r\n")
            // when: the client comes back after more than the header timeout
            try await Task.sleep(for: .milliseconds(900))
            try client.send(get("/again"))
            // then: the kept-alive connection serves it; empty lines began no request to time out
            #expect(try client.readResponse().status == 200)
        }
    }

    @Test func emptyLinesWhileIdleDoNotHoldTheConnectionPastTheIdleTimeout() async throws {
        // given: an idle timeout of 300 ms, and a client that was answered
        try await withServer(Self.shortAfterTheHead, handler: Handlers.ok) { server in
            let client = try server.connect()
            try client.send(get("/"))
            #expect(try client.readResponse().status == 200)
            // when: it sends an empty line every 100 ms, for up to 2.5 s
            var sent = 0
            while sent < 25, !client.waitReadable(milliseconds: 0) {
                guard (try? client.send("\r\n")) != nil else { break }
                sent += 1
                try await Task.sleep(for: .milliseconds(100))
            }
            // then: the idle timeout closed it meanwhile, silently; the empty lines did not restart it
            #expect(sent < 25, "still open after \(sent) empty lines")
            let rest = client.readUntilClose()
            #expect(rest.bytes.isEmpty)
        }
    }

    @Test func connectionThatNeverSendsIsClosedSilently() async throws {
        // given
        try await withServer(Self.short, handler: Handlers.ok) { server in
            // when
            let client = try server.connect()
            let rest = client.readUntilClose()
            // then
            #expect(rest.bytes.isEmpty)
            #expect(rest.end == .eof)
        }
    }

    @Test func clientThatReadsSlowlyButSteadilyIsNotCutOffByTheWriteTimeout() async throws {
        // given: an 8 MiB response under a 2 s write timeout
        let body = [UInt8](repeating: 0x7A, count: 8 << 20)
        // Tried again if the reader itself stalled (a busy machine) half the write timeout or more
        // between two reads: two such stalls between window updates would earn the cut-off.
        var stalled = false
        for _ in 1...3 {
            stalled = false
            try await withServer({
                Self.shortAfterTheHead(&$0)
                $0.writeTimeout = .seconds(2)
                $0.maxPendingOutput = 64 << 20
            }, handler: { _, _ in HTTPResponse(status: .ok, body: body) }) { server in
                let client = try server.connect()
                try client.send(get("/big"))
                // when: the client reads 16 KiB every 50 ms (about 320 KB/s: on loopback its window
                // opens 64 KiB at a time, five times a period) for three periods, though a send buffer
                // the kernel grew to megabytes takes seconds to drain far enough at that pace for it
                // to report room again
                let received = client.drainSlowly(total: 2_000_000, chunkSize: 16384, pauseMicroseconds: 50_000)
                stalled = received.longestStall >= .seconds(1)
                // then: the connection is still there
                if !stalled {
                    #expect(received.end == nil, "\(String(describing: received.end)) after \(received.count) bytes")
                }
            }
            if !stalled { break }
        }
        #expect(!stalled, "the reader stalled in every attempt, so nothing was checked")
    }

    @Test func clientThatStopsReadingIsCutOffByTheWriteTimeoutThoughItKeepsSendingRequests() async throws {
        // given: a 32 MiB response, and a client with a small receive buffer that never reads
        let body = [UInt8](repeating: 0x7A, count: 32 << 20)
        try await withServer({
            Self.shortAfterTheHead(&$0)
            $0.maxPendingOutput = 64 << 20
        }, handler: { request, _ in
            request.path == "/huge" ? HTTPResponse(status: .ok, body: body) : HTTPResponse(status: .ok, body: Array("ok".utf8))
        }) { server in
            let client = try server.connect(receiveBufferSize: 4096)
            try client.send(get("/huge"))
            #expect(client.waitReadable(milliseconds: 10_000))
            // when: it sends a small request every 100 ms, a third of the write timeout, reading nothing
            let sending = Task {
                for _ in 0..<150 where !Task.isCancelled {
                    guard (try? client.send(get("/small"))) != nil else { return }
                    try? await Task.sleep(for: .milliseconds(100))
                }
            }
            let gaveUp = await server.waitUntilNoConnections(timeout: .seconds(10))
            sending.cancel()
            // then: the requests do not stand in for the reads the write timeout waits for
            #expect(gaveUp)
        }
    }

    @Test func clientThatStopsReadingIsCutOffByTheWriteTimeout() async throws {
        // given: a 32 MiB response, and a client with a small receive buffer that never reads
        let size = 32 << 20
        let body = [UInt8](repeating: 0x7A, count: size)
        try await withServer({
            Self.shortAfterTheHead(&$0)
            $0.maxPendingOutput = 64 << 20
        }, handler: { _, _ in HTTPResponse(status: .ok, body: body) }) { server in
            let client = try server.connect(receiveBufferSize: 4096)
            try client.send(get("/huge"))
            let started = client.waitReadable(milliseconds: 10_000)  // the response has begun to arrive
            // when: the server gives up on it
            let gaveUp = await server.waitUntilNoConnections()
            let received = client.drainUntilClose()
            // then: what arrives ends early, in a reset (or EOF)
            #expect(started)
            #expect(gaveUp)
            #expect(received.count < size)
            #expect(received.end == .reset || received.end == .eof, "\(received.end)")
        }
    }
}

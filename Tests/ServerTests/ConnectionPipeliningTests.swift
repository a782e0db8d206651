import Glibc
import HTTP
import Server
import Testing

@Suite("Connection: pipelining and back-pressure")
struct ConnectionPipeliningTests {
    /// A handler that counts its calls and answers `body`, naming the request's path in `X-Path`.
    private static func counting(_ calls: Counter, answering body: [UInt8]) -> Handler {
        { request, _ in
            calls.increment()
            return HTTPResponse(status: .ok, headers: ["X-Path": request.path], body: body)
        }
    }

    private static func pipelined(_ count: Int) -> String {
        (1...count).map { get("/\($0)") }.joined()
    }

    /// The third field of /proc/sys/net/ipv4/tcp_wmem (4 MiB when unreadable).
    private static func maximumSendBuffer() -> Int {
        let fd = open("/proc/sys/net/ipv4/tcp_wmem", O_RDONLY)
        guard fd >= 0 else { return 4 << 20 }
        defer { _ = close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return 4 << 20 }
        let fields = String(decoding: buffer[0..<n], as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
        return fields.count == 3 ? Int(fields[2]) ?? (4 << 20) : (4 << 20)
    }

    @Test func hundredPipelinedRequestsInOneSendAreAnsweredInOrder() async throws {
        // given
        try await withServer(handler: Handlers.echoPath) { server in
            let client = try server.connect()
            // when
            try client.send(Self.pipelined(100))
            var paths: [String] = []
            for _ in 1...100 {
                let response = try client.readResponse()
                #expect(response.status == 200)
                paths.append(response.text)
            }
            // then
            #expect(paths == (1...100).map { "/\($0)" })
        }
    }

    @Test("given two thousand pipelined requests arriving in pieces that cut heads mid-way, then every one is answered, in order")
    func thousandsOfPipelinedRequestsInPieces() async throws {
        try await withServer(handler: Handlers.echoPath) { server in
            let client = try server.connect()
            // when: the bytes in pieces of an odd size, each one a read of its own most likely
            let bytes = Array(Self.pipelined(2000).utf8)
            var offset = 0
            while offset < bytes.count {
                let end = min(offset + 997, bytes.count)
                try client.send(String(decoding: bytes[offset..<end], as: UTF8.self))
                offset = end
            }
            // then
            var paths: [String] = []
            for _ in 1...2000 { paths.append(try client.readResponse().text) }
            #expect(paths == (1...2000).map { "/\($0)" })
        }
    }

    @Test("given a handler that answers a 1xx as its final response, when a second request is pipelined behind it, then the first gets 500 and the second its own answer, not off by one")
    func interimStatusAsAnAnswerIsAnError() async throws {
        // given
        try await withServer(handler: { request, _ in
            request.path == "/interim" ? HTTPResponse(status: HTTPStatus(102)) : HTTPResponse(status: .ok, body: Array(request.path.utf8))
        }) { server in
            let client = try server.connect()
            // when
            try client.send(get("/interim") + get("/next"))
            // then
            let first = try client.readResponse()
            let second = try client.readResponse()
            #expect(first.status == 500)
            #expect(second.status == 200 && second.text == "/next")
        }
    }

    @Test func pipelinedResponsesStayInOrderWhenSomeHandlersSuspend() async throws {
        // given: even-numbered requests sleep, odd ones answer at once
        let handler: Handler = { request, _ in
            let n = Int(request.path.dropFirst()) ?? 0
            if n % 2 == 0 { try await Task.sleep(for: .milliseconds(1)) }
            return HTTPResponse(status: .ok, contentType: "text/plain", text: request.path)
        }
        try await withServer(handler: handler) { server in
            let client = try server.connect()
            // when
            try client.send(Self.pipelined(100))
            var paths: [String] = []
            for _ in 1...100 { paths.append(try client.readResponse().text) }
            // then
            #expect(paths == (1...100).map { "/\($0)" })
        }
    }

    @Test func pipelinedRequestsWithBodiesAndAHalfCloseAreAllAnswered() async throws {
        // given
        try await withServer(handler: Handlers.echoBody) { server in
            let client = try server.connect()
            // when: three POSTs in one send, then FIN
            try client.send(post("/a", body: "first") + post("/b", body: "second") + post("/c", body: "third"))
            client.shutdownWrite()
            var bodies: [String] = []
            for _ in 1...3 { bodies.append(try client.readResponse().text) }
            let rest = client.readUntilClose()
            // then
            #expect(bodies == ["first", "second", "third"])
            #expect(rest.bytes.isEmpty)
            #expect(rest.end == .eof)
        }
    }

    @Test func pipelinedRequestsWaitingBehindUnreadOutputAreAllAnsweredAfterAHalfClose() async throws {
        // given: 64 KiB responses, more than the kernel and the output limit hold, so the server
        // stops and waits with requests still unanswered
        let body = [UInt8](repeating: 0x63, count: 64 * 1024)
        let handler: Handler = { request, _ in HTTPResponse(status: .ok, headers: ["X-Path": request.path], body: body) }
        try await withServer(handler: handler) { server in
            let client = try server.connect(receiveBufferSize: 4096)
            try client.send(Self.pipelined(120))
            // the server runs into the limit, and holds the requests after it
            #expect(await eventuallyAwaiting { await server.activity().awaitingDrain == 1 })
            // when: the client reads part of the answers, then says it will send nothing more
            var paths: [String] = []
            for _ in 1...16 { paths.append(try client.readResponse()[header: "X-Path"] ?? "?") }
            client.shutdownWrite()
            while paths.count < 120, let response = try? client.readResponse() {
                paths.append(response[header: "X-Path"] ?? "?")
            }
            let rest = client.readUntilClose()
            // then: every request it had sent is answered, in order, before the close
            #expect(paths == (1...120).map { "/\($0)" })
            #expect(rest.bytes.isEmpty)
        }
    }

    @Test func aClientThatHalfClosesAfterALateByteStillGetsItsWholeLastResponse() async throws {
        // given: a response larger than the client's receive window, answered with close, so it
        // is still queued in the kernel when the server shuts its side and lingers
        let body = [UInt8](repeating: 0x64, count: 512 * 1024)
        let handler: Handler = { _, _ in HTTPResponse(status: .ok, headers: ["Content-Type": "text/plain"], body: body) }
        // the linger must outlast any stall before the client reads
        try await withServer({ $0.lingerTimeout = .seconds(60) }, handler: handler) { server in
            let client = try server.connect(receiveBufferSize: 4096)
            try client.send("GET /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            // the request is read and the response going out, the last on the connection
            #expect(await eventuallyAwaiting {
                let activity = await server.activity()
                return activity.closing + activity.lingering == 1 || server.openConnections == 0
            })
            // when: a stray CRLF the server never reads (RFC 9112 §2.2), then the client's FIN
            try client.send("\r\n")
            client.shutdownWrite()
            // and the server's loop has had the byte and the FIN: its kernel acknowledged the
            // FIN (behind the byte), and the loop has taken two turns since
            #expect(finAcknowledged(client.fd), "the FIN never reached the server")
            _ = await server.activity()
            _ = await server.activity()
            // then: every byte of the response arrives, ended by a FIN and not a reset
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.body.count == body.count)
            let rest = client.readUntilClose()
            #expect(rest.bytes.isEmpty)
            #expect(rest.end == .eof)
        }
    }

    @Test func serverStopsProcessingPipelinedRequestsWhileTheClientDoesNotRead() async throws {
        // given: 64 KiB responses against a 64 KiB output limit
        let calls = Counter()
        let body = [UInt8](repeating: 0x62, count: 64 * 1024)
        let handler = Self.counting(calls, answering: body)
        try await withServer({ $0.maxPendingOutput = 64 * 1024 }, handler: handler) { server in
            let client = try server.connect(receiveBufferSize: 64 * 1024)
            // when: 200 requests pipelined, and nothing read for a while
            try client.send(Self.pipelined(200))
            #expect(await eventually { calls.current > 0 })
            // the server runs into the limit and holds the next request back (or, past any
            // limit, has produced every response)
            #expect(await eventuallyAwaiting { await server.activity().awaitingDrain == 1 || calls.current == 200 })
            let callsWhileNotReading = calls.current
            // and keeps holding it back over the loop's next turns (each look is a turn's job)
            for _ in 0..<5 { #expect(await server.activity().awaitingDrain == 1 || callsWhileNotReading == 200) }
            #expect(calls.current == callsWhileNotReading)
            var paths: [String] = []
            var intact = true
            for _ in 1...200 {
                let response = try client.readResponse()
                paths.append(response[header: "X-Path"] ?? "?")
                intact = intact && response.status == 200 && response.body == body
            }
            // then
            #expect(callsWhileNotReading > 0)
            // What can be produced without the client reading is what fits in the kernel: the
            // server's send buffer (at most tcp_wmem's maximum, 4 MiB by default) and the client's
            // receive buffer, plus the one response over the limit.
            let kernelResponses = (Self.maximumSendBuffer() + 2 * 64 * 1024) / (64 * 1024) + 4
            #expect(callsWhileNotReading <= min(150, kernelResponses), "the server kept producing responses nobody read")
            #expect(paths == (1...200).map { "/\($0)" })
            #expect(intact)
            #expect(calls.current == 200)
        }
    }

    @Test("given a response larger than the kernel can take and a request pipelined behind it, when the client reads nothing, then the second request waits unhandled: the response over the limit holds it back before its bytes reach the kernel")
    func aResponseOverTheLimitHoldsBackTheNextRequestAtOnce() async throws {
        // given: responses four times tcp_wmem's maximum (what the server's send buffer can
        // grow to) and at least 16 MiB, against a 64 KiB output limit; the client's receive
        // buffer fixed at 64 KiB
        let calls = Counter()
        let body = [UInt8](repeating: 0x63, count: max(16 << 20, 4 * Self.maximumSendBuffer()))
        let handler = Self.counting(calls, answering: body)
        try await withServer({ $0.maxPendingOutput = 64 * 1024 }, handler: handler) { server in
            let client = try server.connect(receiveBufferSize: 64 * 1024)
            // when: two requests pipelined in one write, and nothing read
            try client.send(Self.pipelined(2))
            #expect(await eventuallyAwaiting { await server.activity().awaitingDrain == 1 })
            // then: only the first was handled, over the loop's next turns too (each look is a
            // turn's job); past the loop's budget alone, the second would have been taken in
            // while the first response waited to be written
            for _ in 0..<5 { #expect(await server.activity().awaitingDrain == 1) }
            #expect(calls.current == 1)
            // and once the client reads, both come, whole and in order
            let first = try client.readResponse()
            let second = try client.readResponse()
            #expect([first[header: "X-Path"], second[header: "X-Path"]] == ["/1", "/2"])
            let whole = first.body == body && second.body == body  // outside #expect: a diff of 16 MiB takes minutes
            #expect(whole)
            #expect(calls.current == 2)
        }
    }

    @Test("given a pipelined request whose head is cut short behind a response the client is slow to read, when the rest of its head comes after the header timeout, then it is answered, not refused with 408: the wait was for the server's output, which kept it unread")
    func aHeadHeldBackByTheOutputIsNotTimedOut() async throws {
        // given: a response larger than the kernel can take, under the output limit, so the
        // next request's head is begun (and read no further) while it waits to be written
        let calls = Counter()
        let body = [UInt8](repeating: 0x64, count: max(16 << 20, 4 * Self.maximumSendBuffer()))
        let handler = Self.counting(calls, answering: body)
        let configure: (inout ServerConfiguration) -> Void = {
            $0.maxPendingOutput = 2 * body.count
            $0.maxLoopPendingOutput = 4 * body.count
            $0.headerReadTimeout = .milliseconds(200)
        }
        try await withServer(configure, handler: handler) { server in
            let client = try server.connect(receiveBufferSize: 64 * 1024)
            try client.send(get("/1") + "GET /2 HTTP/1.1\r\nHost: test\r\n")
            #expect(await eventually { calls.current == 1 })
            // when: nothing is read for three header timeouts, and then the head's end is sent
            try await Task.sleep(for: .milliseconds(600))
            try client.send("\r\n")
            // then
            let first = try client.readResponse()
            let second = try client.readResponse()
            #expect([first.status, second.status] == [200, 200])
            #expect([first[header: "X-Path"], second[header: "X-Path"]] == ["/1", "/2"])
            let whole = second.body == body  // compared outside #expect: a diff of 16 MiB takes minutes
            #expect(whole)
        }
    }

    @Test func clientsThatDoNotReadCannotTogetherMakeALoopHoldMoreThanItsBudget() async throws {
        // given: 512 KiB responses, a per-connection limit no client reaches, and a loop budget of 2 MiB
        let calls = Counter()
        let body = [UInt8](repeating: 0x65, count: 512 * 1024)
        let handler = Self.counting(calls, answering: body)
        try await withServer({
            $0.loopCount = 1
            $0.maxPendingOutput = 64 << 20
            $0.maxLoopPendingOutput = 2 << 20
        }, handler: handler) { server in
            // when: four clients pipeline 30 requests each and read nothing for a while
            let clients = try (0..<4).map { _ in try server.connect(receiveBufferSize: 4096) }
            for client in clients { try client.send(Self.pipelined(30)) }
            #expect(await eventually { calls.current >= 4 })
            // each connection is held back until its client reads (or, past any budget, all 120
            // responses were produced)
            #expect(await eventuallyAwaiting { await server.activity().awaitingDrain == 4 || calls.current >= 120 })
            let callsWhileNotReading = calls.current
            for _ in 0..<5 { #expect(await server.activity().awaitingDrain == 4 || callsWhileNotReading >= 120) }
            #expect(calls.current == callsWhileNotReading)
            // then: what was produced is what the kernel took for each (its send buffer, at most
            // tcp_wmem's maximum), one response each, and the budget; not all 120 (60 MiB)
            let kernelResponses = Self.maximumSendBuffer() / body.count + 2
            #expect(callsWhileNotReading <= 4 * (kernelResponses + 1) + 4, "the loop kept producing responses nobody read")
            #expect(callsWhileNotReading < 120)
            // and once the clients read, every request is answered, in order
            for client in clients {
                var paths: [String] = []
                for _ in 1...30 { paths.append(try client.readResponse()[header: "X-Path"] ?? "?") }
                #expect(paths == (1...30).map { "/\($0)" })
            }
            #expect(calls.current == 120)
        }
    }
}

import Connectors
import Foundation
import Gateway
import Glibc
import Server
import Testing

/// Requests the HTTP layer refuses before routing, over a real socket: they must still be
/// traceable (`X-Request-ID`, `request_id`, an access-log line) like every other answer.
@Suite("Requests refused before routing")
struct RefusedRequestTests {
    /// An in-process gateway on loopback with one loop and a capturing log.
    private func gateway(trustedProxies: TrustedProxies = TrustedProxies(), failedAuthLimit: TenantRateLimit? = nil,
                         tenantRateLimit: TenantRateLimit? = nil,
                         configure: (inout ServerConfiguration) -> Void) throws -> (GatewayApplication, LogSink) {
        var configuration = ApplicationHarness().application.configuration
        if let tenantRateLimit {
            configuration.tenants = configuration.tenants.map {
                Tenant(id: $0.id, keyDigests: $0.keyDigests, rateLimit: tenantRateLimit, credentials: $0.credentials)
            }
        }
        configuration.server = ServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.server.loopCount = 1
        configuration.trustedProxies = trustedProxies
        configuration.failedAuthLimit = failedAuthLimit
        configure(&configuration.server)
        let log = LogSink.capturing()
        let application = GatewayApplication(configuration: configuration, registry: ConnectorRegistry(),
                                             staticFiles: StaticFiles(directory: nil), log: log)
        try application.start()
        return (application, log)
    }

    private static func parse(_ log: LogSink) -> [[String: Any]] {
        log.lines.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
    }

    /// Sends `request` raw to an in-process gateway on loopback; returns the answer's head fields,
    /// its problem document, and the access log.
    private func refuse(_ request: String, configure: (inout ServerConfiguration) -> Void = { _ in })
        async throws -> (head: [String: String], status: Int, problem: [String: Any], log: [[String: Any]]) {
        let (application, log) = try gateway(configure: configure)
        let sockets = try RawHTTPClient.connectAndSend(port: application.server.port, requests: [request])
        let answer = await RawHTTPClient.readAllUntilClose(sockets)[0]
        await application.stop()
        let parts = answer.components(separatedBy: "\r\n\r\n")
        let headLines = parts[0].components(separatedBy: "\r\n")
        var head: [String: String] = [:]
        for line in headLines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            head[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let status = Int(headLines[0].split(separator: " ")[1]) ?? 0
        let problem = (try? JSONSerialization.jsonObject(with: Data(parts.dropFirst().joined(separator: "\r\n\r\n").utf8))) as? [String: Any] ?? [:]
        return (head, status, problem, Self.parse(log))
    }

    @Test("given a malformed request line, when refused, then the 400 carries a request id in the header, the body and the log")
    func malformedRequest() async throws {
        let answer = try await refuse("GET /connectors HTTP/1.1 extra\r\nHost: x\r\nX-Request-ID: client-id\r\n\r\n")
        #expect(answer.status == 400)
        let id = try #require(answer.head["x-request-id"])
        #expect(!id.isEmpty && id != "client-id")
        #expect(answer.problem["request_id"] as? String == id)
        #expect(answer.problem["code"] as? String == "invalid_request")
        // the same title as the gateway's own invalid_request problems: one type, one title
        #expect(answer.problem["title"] as? String == "Invalid request")
        #expect(answer.problem["retryable"] as? Bool == false)
        #expect(answer.problem["instance"] == nil)
        let line = try #require(answer.log.first { $0["request_id"] as? String == id })
        #expect(line["status"] as? Int == 400)
        #expect(line["client"] as? String == "127.0.0.1")
    }

    @Test("given a request the HTTP layer refuses, then its status comes with the error table's code, as a problem of that type, retryable only for a timeout",
          arguments: [
              ("GET /\(String(repeating: "a", count: 100)) HTTP/1.1\r\nHost: x\r\n\r\n", 414, "uri_too_long"),
              ("POST /connectors HTTP/1.1\r\nHost: x\r\nExpect: something\r\nContent-Length: 1\r\n\r\nx", 417, "expectation_failed"),
              ("GET /connectors HTTP/1.1\r\nHost: x\r\nX-Long: \(String(repeating: "a", count: 200))\r\n\r\n", 431, "header_fields_too_large"),
              ("POST /connectors HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501, "not_implemented"),
              ("GET /connectors HTTP/2.0\r\nHost: x\r\n\r\n", 505, "http_version_not_supported"),
              ("GET /connectors HTTP/1.1\r\nHost: x\r\n", 408, "request_timeout"),
          ])
    func refusedWithItsCode(request: String, status: Int, code: String) async throws {
        let answer = try await refuse(request, configure: {
            $0.limits.maxRequestLineLength = 64
            $0.limits.maxFieldLineLength = 128
            // Short for the head that never ends only: for the others a pause of the machine
            // between connecting and sending must not turn their answer into a 408.
            $0.headerReadTimeout = status == 408 ? .milliseconds(200) : .seconds(30)
        })
        #expect(answer.status == status)
        #expect(answer.problem["code"] as? String == code)
        #expect(answer.problem["type"] as? String == "/problems/\(code)")
        #expect(answer.head["content-type"] == "application/problem+json")
        #expect(answer.problem["retryable"] as? Bool == (status == 408))
    }

    @Test("given a request waiting for 100 Continue on a tenant route without a valid key, then its 401 comes at once instead, the body unsent, logged as any 401",
          arguments: [(nil, "/connectors/wildberries/review/items", "/connectors/{marketplace}/{channel}/items"),
                      ("Bearer not-a-key-of-anyone", "/connectors/wildberries/review/items", "/connectors/{marketplace}/{channel}/items"),
                      // a parameter that does not decode: still a tenant's route, its key asked first
                      (nil, "/connectors/wildberries/review/items/a%2Fb/reply", "/connectors/{marketplace}/{channel}/items/{id}/reply")]
              as [(String?, String, String)])
    func unauthorizedBeforeTheBody(authorization: String?, path: String, route: String) async throws {
        let head = "POST \(path) HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
            + "Content-Type: application/json\r\nContent-Length: 11\r\nX-Request-ID: early-1\r\n"
            + (authorization.map { "Authorization: \($0)\r\n" } ?? "") + "\r\n"
        // when: the head alone, the body held back as the client holds it
        let answer = try await refuse(head)
        // then
        #expect(answer.status == 401)
        #expect(answer.head["www-authenticate"] == #"Bearer realm="connector-gateway""#)
        #expect(answer.head["x-request-id"] == "early-1")
        #expect(answer.problem["code"] as? String == "unauthorized")
        let line = try #require(answer.log.first { $0["request_id"] as? String == "early-1" })
        #expect(line["status"] as? Int == 401)
        #expect(line["route"] as? String == route)
    }

    @Test("given a request waiting for 100 Continue with a valid key, then it gets 100 Continue and its body is read")
    func continueWithAValidKey() async throws {
        let (application, _) = try gateway(configure: { _ in })
        let head = "POST /connectors/wildberries/review/items HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
            + "Content-Type: application/json\r\nContent-Length: 11\r\nAuthorization: Bearer \(ApplicationHarness.key)\r\n\r\n"
        let fd = try #require(try RawHTTPClient.connectAndSend(port: application.server.port, requests: [head]).first)
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        close(fd)
        await application.stop()
        #expect(String(decoding: buffer.prefix(max(0, n)), as: UTF8.self).hasPrefix("HTTP/1.1 100 Continue\r\n"))
    }

    @Test("given failed_auth_limit, when requests waiting for 100 Continue fail to authenticate, then they spend the address's allowance, and once it is spent the right key waiting so gets 429, unchecked, as a plain request does")
    func continueHeldToFailedAuthLimit() async throws {
        let (application, log) = try gateway(failedAuthLimit: TenantRateLimit(rate: 0.01, burst: 2), configure: { _ in })
        func send(_ key: String, expect: Bool, id: String) async throws -> String {
            let head = "POST /connectors/wildberries/review/items HTTP/1.1\r\nHost: x\r\n" + (expect ? "Expect: 100-continue\r\n" : "")
                + "Content-Type: application/json\r\nContent-Length: 2\r\nX-Request-ID: \(id)\r\nAuthorization: Bearer \(key)\r\n\r\n"
                + (expect ? "" : "{}")
            let fd = try #require(try RawHTTPClient.connectAndSend(port: application.server.port, requests: [head]).first)
            defer { close(fd) }
            var buffer = [UInt8](repeating: 0, count: 512)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            return String(decoding: buffer.prefix(max(0, n)), as: UTF8.self)
        }
        // given: two wrong keys, each waiting for 100 Continue
        #expect(try await send("wrong-guess-one", expect: true, id: "guess-1").hasPrefix("HTTP/1.1 401 "))
        #expect(try await send("wrong-guess-two", expect: true, id: "guess-2").hasPrefix("HTTP/1.1 401 "))
        // when: the right key, waiting so, then sent plainly
        let waiting = try await send(ApplicationHarness.key, expect: true, id: "right-1")
        let plain = try await send(ApplicationHarness.key, expect: false, id: "right-2")
        await application.stop()
        // then
        #expect(waiting.hasPrefix("HTTP/1.1 429 "))
        #expect(waiting.contains("Retry-After: "))
        #expect(plain.hasPrefix("HTTP/1.1 429 "))
        let line = try #require(Self.parse(log).first { $0["request_id"] as? String == "right-1" })
        #expect(line["status"] as? Int == 429)
        #expect(line["tenant"] == nil || line["tenant"] is NSNull)
    }

    @Test("given a tenant with one request left, when two requests wait for 100 Continue in turn, then the first gets it and spends the last request, and the second gets the 429 at once, its body unsent, with the rate-limit fields")
    func continueHeldToTheTenantLimit() async throws {
        let (application, log) = try gateway(tenantRateLimit: TenantRateLimit(rate: 0.01, burst: 1), configure: { _ in })
        func head(id: String) -> String {
            "POST /connectors/wildberries/review/items HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nContent-Length: 2\r\nX-Request-ID: \(id)\r\n"
                + "Authorization: Bearer \(ApplicationHarness.key)\r\n\r\n"
        }
        // given: the first waits for 100 Continue, then sends its body
        let first = try #require(try RawHTTPClient.connectAndSend(port: application.server.port, requests: [head(id: "within")]).first)
        var interim = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 512)
        while !String(decoding: interim, as: UTF8.self).contains("\r\n\r\n") {
            let n = buffer.withUnsafeMutableBytes { recv(first, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { break }
            interim += buffer[0..<n]
        }
        _ = "{}".withCString { send(first, $0, 2, Int32(MSG_NOSIGNAL)) }
        let firstAnswer = await RawHTTPClient.readAllUntilClose([first])[0]
        // when: the second waits for 100 Continue, its body held back
        let second = try RawHTTPClient.connectAndSend(port: application.server.port, requests: [head(id: "over")])
        let secondAnswer = await RawHTTPClient.readAllUntilClose(second)[0]
        await application.stop()
        // then
        #expect(String(decoding: interim, as: UTF8.self).hasPrefix("HTTP/1.1 100 Continue\r\n"))
        #expect(!firstAnswer.hasPrefix("HTTP/1.1 429 "))
        #expect(firstAnswer.contains("\r\nRateLimit: \"tenant\";r=0;"))
        #expect(secondAnswer.hasPrefix("HTTP/1.1 429 "))
        for field in ["Retry-After: ", "RateLimit-Policy: \"tenant\";", "RateLimit: \"tenant\";r=0;", "Cache-Control: no-store", "X-Request-ID: over"] {
            #expect(secondAnswer.contains("\r\n" + field), "\(field)")
        }
        #expect(secondAnswer.contains(#""code":"rate_limited""#))
        let line = try #require(Self.parse(log).first { $0["request_id"] as? String == "over" })
        #expect(line["status"] as? Int == 429)
        #expect(line["tenant"] as? String == "acme")
    }

    @Test("given a HEAD whose head is refused after its method was read, then the log names the method and counts no content, as none was sent")
    func refusedHeadRequest() async throws {
        let answer = try await refuse("HEAD /connectors HTTP/1.1\r\nHost: x\r\nX-Long: \(String(repeating: "a", count: 10_000))\r\n\r\n")
        #expect(answer.status == 431)
        let id = try #require(answer.head["x-request-id"])
        let line = try #require(answer.log.first { $0["request_id"] as? String == id })
        #expect(line["status"] as? Int == 431)
        #expect(line["method"] as? String == "HEAD")
        #expect(line["bytes"] as? Int == 0)
    }

    @Test("given a body announced over the limit, when refused at its head, then the 413 keeps the client's id and logs the method, route and tenant")
    func bodyTooLarge() async throws {
        let answer = try await refuse("POST /connectors/ozon/review/items?x=1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                      + "Content-Length: 5000\r\nX-Request-ID: proxy-8\r\nX-API-Key: \(ApplicationHarness.key)\r\n\r\n",
                                      configure: { $0.limits.maxBodyLength = 1000 })
        #expect(answer.status == 413)
        #expect(answer.head["x-request-id"] == "proxy-8")
        #expect(answer.problem["request_id"] as? String == "proxy-8")
        #expect(answer.problem["code"] as? String == "payload_too_large")
        #expect(answer.problem["type"] as? String == "/problems/payload_too_large")
        #expect(answer.problem["title"] as? String == "Content Too Large")
        #expect(answer.problem["instance"] as? String == "/connectors/ozon/review/items", "the head was read: its path is known")
        let line = try #require(answer.log.first { $0["request_id"] as? String == "proxy-8" })
        #expect(line["status"] as? Int == 413)
        #expect(line["method"] as? String == "POST")
        #expect(line["route"] as? String == "/connectors/{marketplace}/{channel}/items")
        #expect(line["tenant"] as? String == "acme", "the key was valid: the line is the tenant's")
    }

    @Test("given OPTIONS * announcing a body over the limit, when refused at its head, then the log names the route * as it does for OPTIONS * answered")
    func serverWideOptionsRefused() async throws {
        let answer = try await refuse("OPTIONS * HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nX-Request-ID: proxy-9\r\n\r\n",
                                      configure: { $0.limits.maxBodyLength = 1000 })
        #expect(answer.status == 413)
        let line = try #require(answer.log.first { $0["request_id"] as? String == "proxy-9" })
        #expect(line["method"] as? String == "OPTIONS")
        #expect(line["route"] as? String == "*")
    }

    @Test("given a HEAD announcing a body over the limit, when refused at its head, then the 413 has no content and the log counts none")
    func headBodyTooLarge() async throws {
        let answer = try await refuse("HEAD /connectors HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n",
                                      configure: { $0.limits.maxBodyLength = 1000 })
        #expect(answer.status == 413)
        #expect(answer.problem.isEmpty)
        let id = try #require(answer.head["x-request-id"])
        let line = try #require(answer.log.first { $0["request_id"] as? String == id })
        #expect(line["method"] as? String == "HEAD")
        #expect(line["route"] as? String == "/connectors")
        #expect(line["bytes"] as? Int == 0)
    }

    @Test("given a head that never ends, when the header timeout passes, then the 408 is retryable, carries a request id, is logged, and ends the connection")
    func headerTimeout() async throws {
        let (application, log) = try gateway(configure: { $0.headerReadTimeout = .milliseconds(200) })
        let sockets = try RawHTTPClient.connectAndSend(port: application.server.port, requests: ["GET /connectors HTTP/1.1\r\nHost: x\r\n"])
        let (answer, closed) = Self.readUntilClose(sockets[0])
        await application.stop()
        let response = try #require(RawResponse(answer), "\(answer)")
        #expect(response.status == 408)
        let id = try #require(response.head["x-request-id"])
        #expect(response.problem["request_id"] as? String == id)
        #expect(response.problem["code"] as? String == "request_timeout")
        #expect(response.problem["retryable"] as? Bool == true)
        #expect(closed, "the connection was not closed after the 408")
        let line = try #require(Self.parse(log).first { $0["request_id"] as? String == id })
        #expect(line["status"] as? Int == 408)
        #expect(line["duration_us"] is Int, "a refusal is timed like any request")
    }

    @Test("given a head that stalls under a long header timeout, when it is completed later, then it is answered as any request: the 408 comes from the timeout")
    func headerCompletedInTime() async throws {
        // given: the same unfinished head as above, under a header timeout no slow machine reaches
        let (application, _) = try gateway(configure: { $0.headerReadTimeout = .seconds(120) })
        let sockets = try RawHTTPClient.connectAndSend(port: application.server.port, requests: ["GET /connectors HTTP/1.1\r\nHost: x\r\n"])
        // when: the rest of the head follows, once the server has had a turn with the first part
        _ = await application.server.activity()
        let end = Array("Connection: close\r\n\r\n".utf8)
        #expect(end.withUnsafeBytes { send(sockets[0], $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == end.count)
        let (answer, closed) = Self.readUntilClose(sockets[0])
        await application.stop()
        // then: refused for what it is (no key), not for its time
        let response = try #require(RawResponse(answer), "\(answer)")
        #expect(response.status == 401)
        #expect(closed)
    }

    /// What arrives on `fd` until the peer closes it (true) or a read fails or waits 30 s (false); closes `fd`.
    private static func readUntilClose(_ fd: Int32) -> (text: String, closed: Bool) {
        defer { close(fd) }
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { data += buffer[0..<n] } else if n < 0, errno == EINTR { continue } else { return (String(decoding: data, as: UTF8.self), n == 0) }
        }
    }

    /// A response's status, head fields (names lowercased) and problem document.
    private struct RawResponse {
        let status: Int
        let head: [String: String]
        let problem: [String: Any]

        init?(_ text: String) {
            let parts = text.components(separatedBy: "\r\n\r\n")
            let lines = parts[0].components(separatedBy: "\r\n")
            let statusLine = lines[0].split(separator: " ")
            guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
            self.status = status
            var head: [String: String] = [:]
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                head[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            self.head = head
            problem = (try? JSONSerialization.jsonObject(with: Data(parts.dropFirst().joined(separator: "\r\n\r\n").utf8))) as? [String: Any] ?? [:]
        }
    }

    @Test("given a body that stalls after its head, when the body timeout passes, then the 408 keeps the client's id and logs the method and route")
    func bodyTimeout() async throws {
        let answer = try await refuse("POST /connectors/ozon/review/items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                      + "Content-Length: 40\r\nX-Request-ID: proxy-7\r\n\r\n{\"lim",
                                      configure: { $0.bodyReadTimeout = .milliseconds(200) })
        #expect(answer.status == 408)
        #expect(answer.head["x-request-id"] == "proxy-7")
        #expect(answer.problem["request_id"] as? String == "proxy-7")
        #expect(answer.problem["instance"] as? String == "/connectors/ozon/review/items", "the head was read: its path is known")
        let line = try #require(answer.log.first { $0["request_id"] as? String == "proxy-7" })
        #expect(line["status"] as? Int == 408)
        #expect(line["method"] as? String == "POST")
        #expect(line["route"] as? String == "/connectors/{marketplace}/{channel}/items")
        #expect((line["duration_us"] as? Int ?? 0) >= 200_000)
    }

    @Test("given a client that closes or resets after the head and part of the body, then the request is logged once as 499 with nothing sent, as its tenant's",
          arguments: [(false, false), (true, false), (false, true)])
    func abandonedBody(chunked: Bool, reset: Bool) async throws {
        // Neither read timeout may end the request first: a starved machine has stretched the
        // wait below past the default 10 s (head) and 30 s (body), and a 408 then answered it.
        let (application, log) = try gateway(configure: {
            $0.headerReadTimeout = .seconds(600)
            $0.bodyReadTimeout = .seconds(600)
        })
        let framing = chunked ? "Transfer-Encoding: chunked\r\n\r\n10\r\n{\"lim" : "Content-Length: 40\r\n\r\n{\"lim"
        let id = "gave-up-\(chunked)-\(reset)"
        let request = "POST /connectors/ozon/review/items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "X-Request-ID: \(id)\r\nAuthorization: Bearer \(ApplicationHarness.key)\r\n" + framing
        let sockets = try RawHTTPClient.connectAndSend(port: application.server.port, requests: [request])
        // The head is read before the close arrives: the close then ends a body in progress.
        let deadline = ContinuousClock.now + .seconds(60)
        while await application.server.activity().receivingBody == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(await application.server.activity().receivingBody == 1, "the head was never read")
        var answer = ""
        if reset {
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(sockets[0], SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            close(sockets[0])
        } else {
            shutdown(sockets[0], Int32(SHUT_WR))
            answer = await RawHTTPClient.readAllUntilClose(sockets)[0]
        }
        for _ in 0..<200 where !log.lines.contains(where: { $0.contains(id) }) { try await Task.sleep(for: .milliseconds(10)) }
        await application.stop()
        #expect(answer.isEmpty, "nobody is answered: \(answer)")
        let lines = Self.parse(log).filter { $0["request_id"] as? String == id }
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        #expect(line["status"] as? Int == 499)
        #expect(line["bytes"] as? Int == 0)
        #expect(line["method"] as? String == "POST")
        #expect(line["route"] as? String == "/connectors/{marketplace}/{channel}/items")
        #expect(line["duration_us"] as? Int != nil)
        #expect(line["tenant"] as? String == "acme")
    }

    @Test("given a connection opened long before its first request, when the request is answered, then its duration counts from its first byte, not from the accept")
    func firstRequestTimedFromItsFirstByte() async throws {
        // The header timeout runs from the accept; a loaded machine can stretch the pause below
        // well past the default 10 s, which would answer 408 before the request is sent.
        let (application, log) = try gateway(configure: { $0.headerReadTimeout = .seconds(600) })
        let fd = try RawHTTPClient.connectAndSend(port: application.server.port, requests: [""])[0]
        for _ in 0..<1000 where application.server.openConnections == 0 { try await Task.sleep(for: .milliseconds(5)) }
        // Accepted before the pause. At least: the kernel may give this server a port another
        // test's server just closed, and a straggling client of that test can connect too.
        #expect(application.server.openConnections >= 1)
        // a client that sends its first request a while after connecting
        try await Task.sleep(for: .milliseconds(1500))
        let sent = ContinuousClock.now
        let request = Array("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Request-ID: late-first\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        let answer = await RawHTTPClient.readAllUntilClose([fd])[0]
        let exchange = ContinuousClock.now - sent
        #expect(answer.hasPrefix("HTTP/1.1 200 "), "\(answer.prefix(200))")
        for _ in 0..<200 where !log.lines.contains(where: { $0.contains("late-first") }) { try await Task.sleep(for: .milliseconds(10)) }
        await application.stop()
        let line = try #require(Self.parse(log).first { $0["request_id"] as? String == "late-first" })
        let micros = try #require(line["duration_us"] as? Int)
        // Timed from its first byte, it fits within the exchange the client saw, from sending the
        // request to the close; timed from the accept, it would also hold the pause before it.
        let bound = Int(exchange.components.seconds) * 1_000_000 + Int(exchange.components.attoseconds / 1_000_000_000_000)
        #expect(micros <= bound, "only the \(bound) µs from sending the request to the answer are the request's: \(micros) µs")
    }

    @Test("given a trusted proxy in front, when a request it forwards is refused after its head, then the log names the client the proxy reports, as for any answered request")
    func refusalBehindATrustedProxy() async throws {
        let (application, log) = try gateway(trustedProxies: TrustedProxies([try CIDR("127.0.0.0/8")]),
                                             configure: { $0.bodyReadTimeout = .milliseconds(200) })
        let sockets = try RawHTTPClient.connectAndSend(port: application.server.port, requests: [
            "POST /connectors/ozon/review/items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "X-Forwarded-For: 203.0.113.9\r\nX-Request-ID: forwarded-408\r\nContent-Length: 40\r\n\r\n{",
        ])
        _ = await RawHTTPClient.readAllUntilClose(sockets)
        await application.stop()
        let line = try #require(Self.parse(log).first { $0["request_id"] as? String == "forwarded-408" })
        #expect(line["status"] as? Int == 408)
        #expect(line["client"] as? String == "203.0.113.9")
    }
}

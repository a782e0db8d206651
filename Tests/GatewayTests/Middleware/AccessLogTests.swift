import Connectors
import Foundation
import Gateway
import HTTP
import Server
import Testing

@Suite("Gateway access log")
struct AccessLogTests {
    @Test("one JSON line per request with tenant, route pattern and final status, and never the key")
    func oneLinePerRequest() async throws {
        let harness = GatewayHarness()
        _ = try await harness.send(.post, "/things/secret-id-123/poke", key: GatewayHarness.aliceKey)
        _ = try await harness.send(.get, "/whoami", headers: [("Authorization", "Bearer not-a-key")])
        let lines = harness.log.lines
        #expect(lines.count == 2)
        let entries = lines.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
        #expect(entries.count == 2)
        #expect(entries[0]["tenant"] as? String == "alice")
        #expect(entries[0]["route"] as? String == "/things/{id}/poke")
        #expect(entries[0]["status"] as? Int == 200)
        #expect(entries[0]["method"] as? String == "POST")
        #expect(entries[1]["status"] as? Int == 401)
        #expect(entries[1]["tenant"] is NSNull)
        for key in ["time", "request_id", "duration_us", "bytes", "upstream_calls"] {
            #expect(entries[0][key] != nil, "missing \(key)")
        }
        // The time is UTC to the millisecond, and now.
        let time = try #require(entries[0]["time"] as? String)
        #expect(time.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil, "\(time)")
        let parsed = try #require(ISO8601DateFormatter.withFractionalSeconds.date(from: time))
        #expect(abs(parsed.timeIntervalSinceNow) < 60)
        #expect(!lines.joined().contains(GatewayHarness.aliceKey))
        #expect(!lines.joined().contains("not-a-key"))
        #expect(!lines.joined().contains("secret-id-123"))
    }

    @Test("given LOG_LEVEL warn, then a 5xx request still gets its line, and a 200 or a 4xx none")
    func warnKeepsFailures() async throws {
        let harness = GatewayHarness(logLevel: .warn) { router in
            router.add(.get, "/broken") { _, _ in
                throw ConnectorError.upstreamError(UpstreamFailure(marketplace: .ozon, status: 500, message: "Internal error"))
            }
        }
        _ = try await harness.send(.get, "/whoami", key: GatewayHarness.aliceKey)
        _ = try await harness.send(.get, "/nope")
        let failed = try await harness.send(.get, "/broken", key: GatewayHarness.aliceKey)
        #expect(failed.status.code == 502)
        let statuses = harness.log.lines.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
            .compactMap { $0["status"] as? Int }
        #expect(statuses == [502])
    }

    @Test("given a HEAD request, then its line counts no bytes, as none of the body went out; the GET counts them")
    func headSendsNoBytes() async throws {
        let harness = GatewayHarness()
        let get = try await harness.send(.get, "/healthz")
        _ = try await harness.send(.head, "/healthz")
        let entries = harness.log.lines.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
        #expect(entries.count == 2)
        #expect(entries.first?["bytes"] as? Int == get.body.count && get.body.count > 0)
        #expect(entries.last?["method"] as? String == "HEAD")
        #expect(entries.last?["bytes"] as? Int == 0)
    }

    @Test("given a tenant's key sent as the method (a client's mix-up), then neither the answer, nor the answered request's line, nor a refused one's repeats it; another unknown method is logged as sent")
    func keyAsMethodIsNotLogged() async throws {
        let harness = ApplicationHarness()
        let answered = try await harness.send(.other(ApplicationHarness.key), "/connectors", authenticated: false)
        #expect(answered.status.code == 405)
        // nor does the answer
        #expect(!answered.text.contains(ApplicationHarness.key))
        #expect((answered.json["detail"] as? String)?.hasPrefix("This method is not allowed here") == true)
        let request = HTTPRequest(method: .other(ApplicationHarness.key), target: "/connectors", headers: [("Host", "gateway")], body: [])
        _ = harness.application.responder.refusal(ServerRefusal(status: .contentTooLarge, code: "payload_too_large", detail: "Too large."),
                                                  request: request, context: RequestContext())
        _ = try await harness.send(.other("BREW"), "/connectors", authenticated: false)
        let lines = harness.application.log.lines
        #expect(lines.count == 3)
        #expect(!lines.contains { $0.contains(ApplicationHarness.key) }, "\(lines)")
        let methods = lines.compactMap { line in
            ((try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any])?["method"] as? String
        }
        #expect(methods == ["[redacted]", "[redacted]", "BREW"])
    }

    @Test("given a refused request whose method is longer than the parser takes, then its line holds the method cut to that length; one at the length is logged whole")
    func overlongMethodIsCut() async throws {
        // given
        let harness = ApplicationHarness()
        let longest = String(repeating: "M", count: RequestHeadParser.maxMethodLength)
        // when
        for method in [longest, longest + "XYZ"] {
            let request = HTTPRequest(method: .other(method), target: "/connectors", headers: [("Host", "gateway")], body: [])
            _ = harness.application.responder.refusal(ServerRefusal(status: .notImplemented, code: "not_implemented", detail: "Unknown method."),
                                                      request: request, context: RequestContext())
        }
        // then
        let methods = harness.application.log.lines.compactMap { line in
            ((try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any])?["method"] as? String
        }
        #expect(methods == [longest, longest])
    }

    @Test("given the metrics token or a marketplace credential sent as the method, then no line repeats it, answered or refused; sent as X-Request-ID, a marketplace key and the metrics token are kept as any id is, and written [redacted] in the log")
    func heldSecretsAsMethodAreNotLogged() async throws {
        // given
        let (metricsToken, ozonKey) = ("metrics-token-0123456789", "7d5f3c1e-9a2b-4c8d-b6e4-2f0a9c7e1b35")
        let harness = ApplicationHarness(metricsToken: metricsToken, ozonAPIKey: ozonKey)
        // when
        for secret in [metricsToken, ozonKey, "wb-token"] {
            _ = try await harness.send(.other(secret), "/healthz", authenticated: false)
            let request = HTTPRequest(method: .other(secret), target: "/healthz", headers: [("Host", "gateway")], body: [])
            _ = harness.application.responder.refusal(ServerRefusal(status: .contentTooLarge, code: "payload_too_large", detail: "Too large."),
                                                      request: request, context: RequestContext())
        }
        let keyAsID = try await harness.send(.get, "/healthz", headers: [("X-Request-ID", ozonKey)], authenticated: false)
        let tokenAsID = try await harness.send(.get, "/healthz", headers: [("X-Request-ID", metricsToken)], authenticated: false)
        let refusedTokenAsID = harness.application.responder.refusal(
            ServerRefusal(status: .contentTooLarge, code: "payload_too_large", detail: "Too large."),
            request: HTTPRequest(method: .get, target: "/healthz", headers: [("Host", "gateway"), ("X-Request-ID", metricsToken)], body: []),
            context: RequestContext())
        // then
        let lines = harness.application.log.lines
        #expect(lines.count == 9)
        #expect(keyAsID.headers["X-Request-ID"] == ozonKey, "replaced, it would confirm a guess")
        let methods = lines.prefix(6).compactMap { line in
            ((try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any])?["method"] as? String
        }
        #expect(methods == Array(repeating: "[redacted]", count: 6), "\(lines)")
        #expect(!lines.contains { $0.contains(ozonKey) || $0.contains("wb-token") }, "\(lines)")
        #expect(tokenAsID.headers["X-Request-ID"] == metricsToken)
        #expect(refusedTokenAsID.headers["X-Request-ID"] == metricsToken)
        #expect(!lines.contains { $0.contains(metricsToken) }, "\(lines)")
        let ids = lines.suffix(3).compactMap { line in
            ((try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any])?["request_id"] as? String
        }
        #expect(ids == ["[redacted]", "[redacted]", "[redacted]"])
    }

    @Test("given a reply whose client goes away mid-call, then its line and its count say 499, not the 504 of the cancelled call",
          .timeLimit(.minutes(1)))
    func clientGone() async throws {
        // given
        let harness = ApplicationHarness(holdReplies: true)
        let path = "/connectors/wildberries/review/items/item-4/reply"
        let request = Task { try await harness.send(.post, path, body: #"{"text":"Thanks"}"#) }
        while !harness.review.isReplyWaiting { await Task.yield() }
        // when: the server cancels the request's task, as it does when the connection closes
        request.cancel()
        while !harness.review.releaseReply() { await Task.yield() }
        #expect(try await request.value.status.code == 504)
        // then
        let line = try #require(harness.application.log.lines.last)
        let entry = try #require((try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any])
        #expect(entry["status"] as? Int == 499)
        #expect(entry["bytes"] as? Int == 0, "the 504's problem document was never sent")
        let metrics = harness.application.metrics.render()
        #expect(metrics.contains(#"status_class="4xx""#))
        #expect(!metrics.contains(#"status_class="5xx""#))
    }
}

extension ISO8601DateFormatter {
    fileprivate static var withFractionalSeconds: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}

import Connectors
import Foundation
import Gateway
import Hashing
import HTTP
import MarketplaceSimulator
import Marketplaces
import Server
import Testing

/// The rows of the error table that come from marketplaces, each provoked at a simulator (by its
/// fault injection or its real validation) and observed as the gateway's answer.
@Suite("Gateway error table, driven through the simulators", .serialized)
struct ErrorTableTests {
    static let key = "errors-tenant-key"

    /// A gateway (in-process responder) over a Wildberries simulator, reached as the gateway
    /// reaches plain-http upstreams (its own client), with quick retries, a circuit that opens
    /// after 4 failures, and an attempt timeout (5 s, unless the test is about it) and a deadline
    /// (60 s) that no stall of a busy machine runs out.
    struct Bed {
        let wildberries: WildberriesSimulator
        let application: GatewayApplication

        init(token: String = WildberriesSimulator.demoToken, attemptTimeout: Duration = .seconds(5),
             feedbacksLimit: RateLimit = RateLimit(burst: 10_000, interval: .nanoseconds(1))) throws {
            wildberries = WildberriesSimulator(options: WildberriesSimulatorOptions(seed: 3, feedbackCount: 10, questionCount: 10,
                                                                                    chatCount: 2, feedbacksRateLimit: .unlimited,
                                                                                    chatRateLimit: .unlimited))
            try wildberries.start()
            var configuration = GatewayConfiguration()
            let registry = ConnectorRegistry()
            WildberriesConnectors.register(
                in: registry,
                endpoints: MarketplaceEndpoints(wildberriesFeedbacks: wildberries.feedbacksURL, wildberriesChat: wildberries.chatURL),
                options: WildberriesOptions(feedbacksRateLimit: feedbacksLimit,
                                            chatRateLimit: RateLimit(burst: 10_000, interval: .nanoseconds(1)),
                                            retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(1), maxDelay: .milliseconds(2)),
                                            attemptTimeout: attemptTimeout, breakerFailureThreshold: 4,
                                            breakerCoolDown: .seconds(60), clients: .gateway(answers: BodyBudget(limit: configuration.upstreamAnswerBytes))))
            configuration.upstreamDeadline = .seconds(60)
            // "u" shares the seller account of "t" and never calls.
            configuration.tenants = ["t", "u"].map { id in
                Tenant(id: id, keyDigests: [SHA256.hash((id == "t" ? ErrorTableTests.key : "idle-tenant-key").utf8)],
                       rateLimit: TenantRateLimit(rate: 1000, burst: 1000),
                       credentials: [.wildberries: MarketplaceCredentials(marketplace: .wildberries, fields: ["token": token])])
            }
            application = GatewayApplication(configuration: configuration, registry: registry,
                                             staticFiles: StaticFiles(directory: nil), log: LogSink.capturing())
        }

        var feedbackID: String { wildberries.feedbacks.feedbacks[0].id }

        func send(_ method: HTTPMethod, _ path: String, body: String? = nil, headers extra: [(String, String)] = []) async throws -> Answer {
            var headers = [("Host", "g"), ("Authorization", "Bearer \(ErrorTableTests.key)")] + extra
            if body != nil { headers.append(("Content-Type", "application/json")) }
            let response = try await application.responder.respond(
                to: HTTPRequest(method: method, target: path, headers: headers, body: Array((body ?? "").utf8)), context: GatewayContext())
            return Answer(response)
        }

        func stop() async { await wildberries.stop() }
    }

    /// What the gateway answered, with its problem document.
    struct Answer {
        let status: Int
        let json: [String: Any]
        let headers: HTTPHeaders
        var code: String? { json["code"] as? String }
        var retryable: Bool? { json["retryable"] as? Bool }
        var retryAfter: Int? { json["retry_after"] as? Int }
        var upstream: [String: Any]? { json["upstream"] as? [String: Any] }

        init(_ response: HTTPResponse) {
            status = response.status.code
            json = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
            headers = response.headers
        }

        /// A problem document of the row's code: its type, its media type, its retryability.
        func expectProblem(_ status: Int, _ code: String, retryable: Bool, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(self.status == status, sourceLocation: sourceLocation)
            #expect(self.code == code, "\(json)", sourceLocation: sourceLocation)
            #expect(json["type"] as? String == "/problems/\(code)", sourceLocation: sourceLocation)
            #expect(headers["Content-Type"] == "application/problem+json", sourceLocation: sourceLocation)
            #expect(self.retryable == retryable, sourceLocation: sourceLocation)
            #expect(headers["Retry-After"] == retryAfter.map(String.init), "retry_after and Retry-After agree", sourceLocation: sourceLocation)
            // The table's rows that tell a client when to come back always do.
            if [409, 429, 503].contains(status) {
                #expect((retryAfter ?? 0) >= 1, "a \(status) names its wait: \(json)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test("an unknown item is 404 item_not_found", .timeLimit(.minutes(1)))
    func itemNotFound() async throws {
        let bed = try Bed()
        let answer = try await bed.send(.get, "/connectors/wildberries/question/items/NoSuchQuestion00001")
        answer.expectProblem(404, "item_not_found", retryable: false)
        await bed.stop()
    }

    @Test("given an id no chat can have, then it is 404 item_not_found saying what chat ids look like, and Wildberries is not asked",
          .timeLimit(.minutes(1)))
    func malformedItemID() async throws {
        let bed = try Bed()
        for path in ["/items/junk", "/items/1:nope/reply"] {
            let response = try await bed.application.responder.respond(
                to: HTTPRequest(method: path.hasSuffix("reply") ? .post : .get, target: "/connectors/wildberries/chat" + path,
                                headers: [("Host", "g"), ("Authorization", "Bearer \(Self.key)"), ("Content-Type", "application/json")],
                                body: path.hasSuffix("reply") ? Array(#"{"text":"Hello"}"#.utf8) : []),
                context: GatewayContext())
            let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            #expect(response.status.code == 404)
            #expect(json["code"] as? String == "item_not_found")
            #expect((json["detail"] as? String)?.contains("a version, a colon and a UUID") == true, "\(json)")
        }
        #expect(bed.wildberries.chatLog.total == 0)
        await bed.stop()
    }

    @Test("an operation Wildberries lacks is 501 operation_not_supported, and nothing is sent", .timeLimit(.minutes(1)))
    func notSupported() async throws {
        let bed = try Bed()
        let answer = try await bed.send(.post, "/connectors/wildberries/review/items/\(bed.feedbackID)/read")
        answer.expectProblem(501, "operation_not_supported", retryable: false)
        #expect(bed.wildberries.feedbacksLog.total == 0)
        await bed.stop()
    }

    @Test("a token the marketplace refuses is 502 upstream_auth_failed", .timeLimit(.minutes(1)))
    func authFailed() async throws {
        let bed = try Bed(token: "not.a.token")
        let answer = try await bed.send(.get, "/connectors/wildberries/review/items")
        answer.expectProblem(502, "upstream_auth_failed", retryable: false)
        #expect(answer.upstream?["marketplace"] as? String == "wildberries")
        #expect(answer.upstream?["status"] as? Int == 401)
        #expect((answer.json["detail"] as? String)?.contains("check them in the configuration") == true)
        await bed.stop()
    }

    @Test("a reply the marketplace refuses is 422 upstream_rejected (an answer edited twice; another answer not asked to replace it)", .timeLimit(.minutes(1)))
    func rejected() async throws {
        let bed = try Bed()
        let path = "/connectors/wildberries/review/items/\(bed.feedbackID)/reply"
        var statuses: [Int] = []
        var answers: [Answer] = []
        for (text, replace) in [("Спасибо за отзыв!", false), ("Спасибо, исправили.", false), ("Спасибо, исправили.", true), ("И ещё раз.", true)] {
            let answer = try await bed.send(.post, path, body: "{\"text\":\"\(text)\"\(replace ? ",\"replace\":true" : "")}")
            statuses.append(answer.status)
            answers.append(answer)
        }
        let last = answers.last
        #expect(statuses == [200, 422, 200, 422])
        answers[1].expectProblem(422, "upstream_rejected", retryable: false)
        #expect((answers[1].upstream?["message"] as? String)?.contains("already has another answer") == true, "\(answers[1].json)")
        last?.expectProblem(422, "upstream_rejected", retryable: false)
        // refused on Wildberries' own word that the answer is no longer editable, without sending
        #expect(last?.upstream?["marketplace"] as? String == "wildberries")
        #expect((last?.upstream?["message"] as? String)?.contains("can no longer be edited") == true, "\(last?.json ?? [:])")
        await bed.stop()
    }

    @Test("429s that outlast the retries are 429 upstream_rate_limited with the marketplace's wait", .timeLimit(.minutes(1)))
    func upstreamRateLimited() async throws {
        let bed = try Bed()
        // a wait beyond the call's deadline (60 s), which no retry can outlast
        bed.wildberries.feedbacksFaults.inject(.rateLimited(retryAfter: 90), times: 10)
        let answer = try await bed.send(.get, "/connectors/wildberries/review/items")
        answer.expectProblem(429, "upstream_rate_limited", retryable: true)
        #expect(answer.headers["Retry-After"] == "90")
        #expect(answer.retryAfter == 90)
        #expect(answer.upstream?["status"] as? Int == 429)
        await bed.stop()
    }

    @Test("5xx that outlast the retries are 502 upstream_error, after exactly two attempts", .timeLimit(.minutes(1)))
    func upstreamError() async throws {
        let bed = try Bed()
        bed.wildberries.feedbacksFaults.inject(.serverError(status: 500), times: 2)
        let answer = try await bed.send(.get, "/connectors/wildberries/question/items")
        answer.expectProblem(502, "upstream_error", retryable: true)
        #expect(answer.upstream?["marketplace"] as? String == "wildberries")
        #expect(answer.upstream?["status"] as? Int == 500)
        #expect(bed.wildberries.feedbacksLog.total == 2)
        await bed.stop()
    }

    @Test("a malformed answer is 502 upstream_error", .timeLimit(.minutes(1)))
    func malformed() async throws {
        let bed = try Bed()
        bed.wildberries.feedbacksFaults.inject(.malformedBody, times: 2)
        let answer = try await bed.send(.get, "/connectors/wildberries/review/items")
        // a 200 the gateway cannot read: asking again would get the same
        answer.expectProblem(502, "upstream_error", retryable: false)
        #expect(answer.upstream?["status"] as? Int == 200)
        await bed.stop()
    }

    @Test("a maintenance window is 503 upstream_unavailable with Retry-After, at once, though the deadline would allow waiting it out", .timeLimit(.minutes(1)))
    func maintenance() async throws {
        let bed = try Bed()
        bed.wildberries.feedbacksFaults.inject(.maintenance, times: 2)
        let answer = try await bed.send(.get, "/connectors/wildberries/review/items")
        answer.expectProblem(503, "upstream_unavailable", retryable: true)
        #expect(answer.headers["Retry-After"] == "30")
        #expect(answer.retryAfter == 30)
        #expect(bed.wildberries.feedbacksLog.total == 1, "a window of minutes is not asked again within the request")
        await bed.stop()
    }

    @Test("after repeated failures the circuit opens: 503 upstream_unavailable without calling the marketplace", .timeLimit(.minutes(1)))
    func circuitOpen() async throws {
        let bed = try Bed()
        bed.wildberries.feedbacksFaults.inject(.serverError(status: 503), times: 4)
        let began = ContinuousClock.now
        _ = try await bed.send(.get, "/connectors/wildberries/review/items")
        _ = try await bed.send(.get, "/connectors/wildberries/review/items")
        let before = bed.wildberries.feedbacksLog.total
        let answer = try await bed.send(.get, "/connectors/wildberries/review/items")
        answer.expectProblem(503, "upstream_unavailable", retryable: true)
        // the minute's cool-down, less what has passed since the circuit opened
        let elapsed = Int(((ContinuousClock.now - began) / .seconds(1)).rounded(.up))
        #expect((max(0, 60 - elapsed)...60).contains(Int(answer.headers["Retry-After"] ?? "") ?? 0))
        #expect(bed.wildberries.feedbacksLog.total == before)
        let descriptor = try await bed.application.responder.respond(
            to: HTTPRequest(method: .get, target: "/connectors/wildberries/review",
                            headers: [("Host", "g"), ("Authorization", "Bearer \(Self.key)")]), context: GatewayContext())
        #expect(String(decoding: descriptor.body, as: UTF8.self).contains("\"circuit\":\"open\""))
        // Metrics show the account's circuit open for each of its tenants, the one that never called too.
        let metrics = try await bed.application.responder.respond(
            to: HTTPRequest(method: .get, target: "/metrics", headers: [("Host", "g")]), context: GatewayContext())
        let series = String(decoding: metrics.body, as: UTF8.self).split(separator: "\n")
            .filter { $0.hasPrefix("gateway_upstream_circuit_open{") && $0.contains("connector=\"wildberries/review\"") }
        for tenant in ["t", "u"] {
            #expect(series.contains { $0.contains("tenant=\"\(tenant)\"") && $0.hasSuffix(" 1") }, "\(tenant): \(series)")
        }
        await bed.stop()
    }

    @Test("a marketplace slower than the attempt timeout is 504 upstream_timeout", .timeLimit(.minutes(1)))
    func timeout() async throws {
        let bed = try Bed(attemptTimeout: .milliseconds(300))
        bed.wildberries.feedbacksFaults.inject(.latency(.seconds(2)), times: 2)
        let answer = try await bed.send(.get, "/connectors/wildberries/review/items")
        answer.expectProblem(504, "upstream_timeout", retryable: true)
        await bed.stop()
    }

    @Test("given the account refused for a service it has not paid (402), then it is 502 upstream_auth_failed saying so, not to check the credentials",
          .timeLimit(.minutes(1)))
    func entitlementMissing() async throws {
        let bed = try Bed()
        let refusal = #"{"title":"payment required","detail":"the service is not paid","code":"402","requestId":"r-1","origin":"s2s-api-auth","status":402,"statusText":"Payment Required"}"#
        bed.wildberries.feedbacksFaults.inject(.answer(status: 402, json: refusal), times: 1)
        let answer = try await bed.send(.get, "/connectors/wildberries/review/items")
        answer.expectProblem(502, "upstream_auth_failed", retryable: false)
        #expect(answer.upstream?["status"] as? Int == 402)
        #expect((answer.json["detail"] as? String)?.contains("a subscription, a signed offer or a payment is missing") == true, "\(answer.json)")
        await bed.stop()
    }

    @Test("given a reply whose write fails after it went out (5xx), then it is 502 upstream_error, not retryable, sent once, and its repeat under the same key is the same answer, not a second write",
          .timeLimit(.minutes(1)))
    func writeMayHaveApplied() async throws {
        let bed = try Bed()
        bed.wildberries.feedbacksFaults.inject(.serverError(status: 500), times: 1, pathPrefix: "/api/v1/feedbacks/answer")
        let path = "/connectors/wildberries/review/items/\(bed.feedbackID)/reply"
        let key = [("Idempotency-Key", "\"reply-1\"")]
        let answer = try await bed.send(.post, path, body: #"{"text":"Спасибо за отзыв!"}"#, headers: key)
        answer.expectProblem(502, "upstream_error", retryable: false)
        #expect(answer.headers["Retry-After"] == nil)
        #expect(answer.upstream?["status"] as? Int == 500)
        let again = try await bed.send(.post, path, body: #"{"text":"Спасибо за отзыв!"}"#, headers: key)
        #expect(again.status == 502)
        #expect(again.headers["Idempotent-Replayed"] == "true")
        #expect(bed.wildberries.feedbacksLog.count(path: "/api/v1/feedbacks/answer") == 1, "one write went out")
        await bed.stop()
    }

    @Test("given the account's published rate spoken for past the deadline, then it is 429 upstream_rate_limited at once, with no upstream member, and nothing is sent",
          .timeLimit(.minutes(1)))
    func budgetSpent() async throws {
        // given: one call a minute and a half, the deadline a minute
        let bed = try Bed(feedbacksLimit: RateLimit(burst: 1, interval: .seconds(90)))
        let first = try await bed.send(.get, "/connectors/wildberries/review/items?limit=5")
        #expect(first.status == 200)
        let sent = bed.wildberries.feedbacksLog.total
        // when
        let answer = try await bed.send(.get, "/connectors/wildberries/review/items?limit=5")
        // then
        answer.expectProblem(429, "upstream_rate_limited", retryable: true)
        #expect(answer.upstream == nil)
        #expect((Int(answer.headers["Retry-After"] ?? "") ?? 0) > 60)
        #expect(bed.wildberries.feedbacksLog.total == sent)
        await bed.stop()
    }

    @Test("given the gateway draining, then /readyz is 503 not_ready with Retry-After, while /healthz still answers", .timeLimit(.minutes(1)))
    func notReady() async throws {
        // given: a gateway started on loopback, then stopped
        var configuration = GatewayConfiguration()
        configuration.server = ServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.server.loopCount = 1
        let application = GatewayApplication(configuration: configuration, registry: ConnectorRegistry(),
                                             staticFiles: StaticFiles(directory: nil), log: LogSink.capturing())
        try application.start()
        let ready = try await application.responder.respond(to: HTTPRequest(method: .get, target: "/readyz", headers: [("Host", "g")]),
                                                            context: GatewayContext())
        #expect(ready.status.code == 200)
        await application.stop()
        // when
        let response = try await application.responder.respond(to: HTTPRequest(method: .get, target: "/readyz", headers: [("Host", "g")]),
                                                               context: GatewayContext())
        let live = try await application.responder.respond(to: HTTPRequest(method: .get, target: "/healthz", headers: [("Host", "g")]),
                                                           context: GatewayContext())
        // then
        let answer = Answer(response)
        answer.expectProblem(503, "not_ready", retryable: true)
        #expect(answer.headers["Retry-After"] == "5")
        #expect(live.status.code == 200)
    }
}

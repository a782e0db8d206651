import Connectors
import Foundation
import Gateway
import Hashing
import HTTP
import MarketplaceSimulator
import Marketplaces
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

        init(token: String = WildberriesSimulator.demoToken, attemptTimeout: Duration = .seconds(5)) throws {
            wildberries = WildberriesSimulator(options: WildberriesSimulatorOptions(seed: 3, feedbackCount: 10, questionCount: 10,
                                                                                    chatCount: 2, feedbacksRateLimit: .unlimited,
                                                                                    chatRateLimit: .unlimited))
            try wildberries.start()
            var configuration = GatewayConfiguration()
            let registry = ConnectorRegistry()
            WildberriesConnectors.register(
                in: registry,
                endpoints: MarketplaceEndpoints(wildberriesFeedbacks: wildberries.feedbacksURL, wildberriesChat: wildberries.chatURL),
                options: WildberriesOptions(feedbacksRateLimit: RateLimit(burst: 10_000, interval: .nanoseconds(1)),
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

        func send(_ method: HTTPMethod, _ path: String, body: String? = nil) async throws -> (status: Int, code: String?, headers: HTTPHeaders) {
            var headers = [("Host", "g"), ("Authorization", "Bearer \(ErrorTableTests.key)")]
            if body != nil { headers.append(("Content-Type", "application/json")) }
            let response = try await application.responder.respond(
                to: HTTPRequest(method: method, target: path, headers: headers, body: Array((body ?? "").utf8)), context: GatewayContext())
            let json = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
            return (response.status.code, json?["code"] as? String, response.headers)
        }

        func stop() async { await wildberries.stop() }
    }

    @Test("an unknown item is 404 item_not_found", .timeLimit(.minutes(1)))
    func itemNotFound() async throws {
        let bed = try Bed()
        let answer = try await bed.send(.get, "/connectors/wildberries/question/items/NoSuchQuestion00001")
        #expect(answer.status == 404)
        #expect(answer.code == "item_not_found")
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
        #expect(answer.status == 501)
        #expect(answer.code == "operation_not_supported")
        #expect(bed.wildberries.feedbacksLog.total == 0)
        await bed.stop()
    }

    @Test("a token the marketplace refuses is 502 upstream_auth_failed", .timeLimit(.minutes(1)))
    func authFailed() async throws {
        let bed = try Bed(token: "not.a.token")
        let answer = try await bed.send(.get, "/connectors/wildberries/review/items")
        #expect(answer.status == 502)
        #expect(answer.code == "upstream_auth_failed")
        await bed.stop()
    }

    @Test("a reply the marketplace refuses is 422 upstream_rejected (an answer edited twice)", .timeLimit(.minutes(1)))
    func rejected() async throws {
        let bed = try Bed()
        let path = "/connectors/wildberries/review/items/\(bed.feedbackID)/reply"
        var statuses: [Int] = []
        var last: (status: Int, code: String?, headers: HTTPHeaders)?
        for text in ["Спасибо за отзыв!", "Спасибо, исправили.", "И ещё раз."] {
            let answer = try await bed.send(.post, path, body: "{\"text\":\"\(text)\"}")
            statuses.append(answer.status)
            last = answer
        }
        #expect(statuses == [200, 200, 422])
        #expect(last?.code == "upstream_rejected")
        await bed.stop()
    }

    @Test("429s that outlast the retries are 429 upstream_rate_limited with the marketplace's wait", .timeLimit(.minutes(1)))
    func upstreamRateLimited() async throws {
        let bed = try Bed()
        // a wait beyond the call's deadline (60 s), which no retry can outlast
        bed.wildberries.feedbacksFaults.inject(.rateLimited(retryAfter: 90), times: 10)
        let answer = try await bed.send(.get, "/connectors/wildberries/review/items")
        #expect(answer.status == 429)
        #expect(answer.code == "upstream_rate_limited")
        #expect(answer.headers["Retry-After"] == "90")
        await bed.stop()
    }

    @Test("5xx that outlast the retries are 502 upstream_error, after exactly two attempts", .timeLimit(.minutes(1)))
    func upstreamError() async throws {
        let bed = try Bed()
        bed.wildberries.feedbacksFaults.inject(.serverError(status: 500), times: 2)
        let answer = try await bed.send(.get, "/connectors/wildberries/question/items")
        #expect(answer.status == 502)
        #expect(answer.code == "upstream_error")
        #expect(bed.wildberries.feedbacksLog.total == 2)
        await bed.stop()
    }

    @Test("a malformed answer is 502 upstream_error", .timeLimit(.minutes(1)))
    func malformed() async throws {
        let bed = try Bed()
        bed.wildberries.feedbacksFaults.inject(.malformedBody, times: 2)
        let answer = try await bed.send(.get, "/connectors/wildberries/review/items")
        #expect(answer.status == 502)
        #expect(answer.code == "upstream_error")
        await bed.stop()
    }

    @Test("a maintenance window is 503 upstream_unavailable with Retry-After, at once, though the deadline would allow waiting it out", .timeLimit(.minutes(1)))
    func maintenance() async throws {
        let bed = try Bed()
        bed.wildberries.feedbacksFaults.inject(.maintenance, times: 2)
        let answer = try await bed.send(.get, "/connectors/wildberries/review/items")
        #expect(answer.status == 503)
        #expect(answer.code == "upstream_unavailable")
        #expect(answer.headers["Retry-After"] == "30")
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
        #expect(answer.status == 503)
        #expect(answer.code == "upstream_unavailable")
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
        #expect(answer.status == 504)
        #expect(answer.code == "upstream_timeout")
        await bed.stop()
    }
}

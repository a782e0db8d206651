import Connectors
import Foundation
import Gateway
import Hashing
import HTTP
import MarketplaceSimulator
import Marketplaces
import Testing

/// Rows of the error table as Ozon words them, provoked at its simulator and observed as the
/// gateway's answer: its own error bodies (gRPC codes and messages) reach the same rows as
/// Wildberries' do.
@Suite("Gateway error table, driven through the Ozon simulator", .serialized)
struct OzonErrorTableTests {
    static let key = "ozon-errors-tenant-key"

    /// A gateway (in-process responder) over an Ozon simulator, reached through the gateway's own
    /// client, with quick retries and a deadline no stall of a busy machine runs out.
    struct Bed {
        let ozon: OzonSimulator
        let application: GatewayApplication

        init() throws {
            ozon = try OzonSimulator(options: OzonSimulatorOptions(seed: 5, reviewCount: 10, questionCount: 10, chatCount: 3,
                                                                   requestsPerSecond: 100_000, burst: 100_000))
            var configuration = GatewayConfiguration()
            let registry = ConnectorRegistry()
            OzonConnectors.register(in: registry, endpoints: MarketplaceEndpoints(ozonSeller: ozon.baseURL),
                                    options: OzonOptions(rateLimit: RateLimit(burst: 10_000, interval: .nanoseconds(1)),
                                                         retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(1), maxDelay: .milliseconds(2)),
                                                         attemptTimeout: .seconds(5), breakerThreshold: 4, breakerCoolDown: .seconds(60),
                                                         clients: .gateway(answers: BodyBudget(limit: configuration.upstreamAnswerBytes))))
            configuration.upstreamDeadline = .seconds(60)
            configuration.tenants = [Tenant(id: "t", keyDigests: [SHA256.hash(OzonErrorTableTests.key.utf8)],
                                            rateLimit: TenantRateLimit(rate: 1000, burst: 1000),
                                            credentials: [.ozon: MarketplaceCredentials(marketplace: .ozon, fields: ozon.credentials)])]
            application = GatewayApplication(configuration: configuration, registry: registry,
                                             staticFiles: StaticFiles(directory: nil), log: LogSink.capturing())
        }

        func send(_ method: HTTPMethod, _ path: String, body: String? = nil) async throws -> ErrorTableTests.Answer {
            var headers = [("Host", "g"), ("Authorization", "Bearer \(OzonErrorTableTests.key)")]
            if body != nil { headers.append(("Content-Type", "application/json")) }
            let response = try await application.responder.respond(
                to: HTTPRequest(method: method, target: path, headers: headers, body: Array((body ?? "").utf8)), context: GatewayContext())
            return ErrorTableTests.Answer(response)
        }

        func stop() async { await ozon.stop() }
    }

    @Test("given Ozon's \"Circle is open\" (a method blocked for a while), then it is 503 upstream_unavailable at once, asked once", .timeLimit(.minutes(1)))
    func circleIsOpen() async throws {
        let bed = try Bed()
        bed.ozon.faults.inject(.maintenance, times: 2, pathPrefix: "/v2/review/list")
        let answer = try await bed.send(.get, "/connectors/ozon/review/items")
        answer.expectProblem(503, "upstream_unavailable", retryable: true)
        // the minute such a block lasts, not the default 30 s of a 503 that names no wait
        #expect(answer.retryAfter == 60)
        #expect(answer.upstream?["marketplace"] as? String == "ozon")
        #expect(bed.ozon.log.count(path: "/v2/review/list") == 1)
        await bed.stop()
    }

    @Test("given Ozon's 403 for a missing subscription (code 7), then it is 502 upstream_auth_failed saying the account lacks it", .timeLimit(.minutes(1)))
    func subscriptionMissing() async throws {
        let bed = try Bed()
        let refusal = #"{"code":7,"message":"Method is not available with existing subscription","details":[]}"#
        bed.ozon.faults.inject(.answer(status: 403, json: refusal), times: 1, pathPrefix: "/v1/question/list")
        let answer = try await bed.send(.get, "/connectors/ozon/question/items")
        answer.expectProblem(502, "upstream_auth_failed", retryable: false)
        #expect(answer.upstream?["status"] as? Int == 403)
        #expect((answer.json["detail"] as? String)?.contains("a subscription, a signed offer or a payment is missing") == true, "\(answer.json)")
        await bed.stop()
    }

    @Test("given Ozon refusing the API key (401, code 16), then it is 502 upstream_auth_failed, pointing at the configuration", .timeLimit(.minutes(1)))
    func keyRefused() async throws {
        let bed = try Bed()
        bed.ozon.faults.inject(.answer(status: 401, json: #"{"code":16,"message":"Invalid Api-Key, please contact support","details":[]}"#),
                               times: 1, pathPrefix: "/v2/review/list")
        let answer = try await bed.send(.get, "/connectors/ozon/review/items")
        answer.expectProblem(502, "upstream_auth_failed", retryable: false)
        #expect((answer.json["detail"] as? String)?.contains("check them in the configuration") == true, "\(answer.json)")
        await bed.stop()
    }

    @Test("given a chat message Ozon answers 200 without sending (its result not success), then it is 422 upstream_rejected and nothing was sent", .timeLimit(.minutes(1)))
    func messageNotSent() async throws {
        let bed = try Bed()
        let chat = try #require(bed.ozon.host.chats().first { $0.type == "BUYER_SELLER" })
        bed.ozon.faults.inject(.answer(status: 200, json: #"{"result":"blocked"}"#), times: 1, pathPrefix: "/v1/chat/send/message")
        let answer = try await bed.send(.post, "/connectors/ozon/chat/items/\(chat.id)/reply", body: #"{"text":"Добрый день!"}"#)
        answer.expectProblem(422, "upstream_rejected", retryable: false)
        #expect(bed.ozon.host.chat(id: chat.id)?.messages.contains { $0.text == "Добрый день!" } == false)
        await bed.stop()
    }

    @Test("given 5xx from Ozon past the retries, then it is 502 upstream_error, retryable, after two attempts", .timeLimit(.minutes(1)))
    func serverErrors() async throws {
        let bed = try Bed()
        bed.ozon.faults.inject(.serverError(status: 500), times: 2, pathPrefix: "/v2/review/list")
        let answer = try await bed.send(.get, "/connectors/ozon/review/items")
        answer.expectProblem(502, "upstream_error", retryable: true)
        #expect(answer.upstream?["status"] as? Int == 500)
        #expect(bed.ozon.log.count(path: "/v2/review/list") == 2)
        await bed.stop()
    }
}

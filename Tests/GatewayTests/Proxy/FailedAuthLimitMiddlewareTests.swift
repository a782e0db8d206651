import Foundation
@testable import Gateway
import Hashing
import HTTP
import Server
import Testing

@Suite("failed_auth_limit: failed authentications per client address")
struct FailedAuthLimitMiddlewareTests {
    static let key = "tenant-key-for-failure-tests"
    static let token = "metrics-token-for-failure-tests"

    let gateway: AddressLimitGateway
    let metrics = GatewayMetrics()

    /// A gateway whose addresses may fail to authenticate twice, the allowance coming back one
    /// failure every 100 s (never, within a test), with a `/metrics` behind its own token.
    init() {
        gateway = AddressLimitGateway(key: Self.key, metrics: metrics,
                                      limit: FailedAuthLimitMiddleware(limiter: ClientRateLimiter(limit: TenantRateLimit(rate: 0.01, burst: 2)))) { router in
            router.add(.get, "/metrics", access: .public) { request, _ in
                guard (try? AuthenticationMiddleware.presentedKey(request)) == Self.token else {
                    throw GatewayError.unauthorized(detail: "The metrics token is not valid.")
                }
                return HTTPResponse(status: .ok, contentType: "text/plain", text: "metrics")
            }
        }
    }

    func send(_ target: String, peer: String, key: String? = nil, headers: [(String, String)] = []) async throws -> HTTPResponse {
        try await gateway.send(target, peer: peer, key: key, headers: headers)
    }

    @Test("given an address that sent two wrong keys, when it sends the right one, then it is refused 429 rate_limited with Retry-After, unchecked; other addresses are not")
    func blockedAfterFailures() async throws {
        // given
        #expect(try await send("/whoami", peer: "198.51.100.7", key: "wrong-guess-1").status.code == 401)
        #expect(try await send("/whoami", peer: "198.51.100.7").status.code == 401)
        // when
        let refused = try await send("/whoami", peer: "198.51.100.7", key: Self.key)
        // then
        #expect(refused.status.code == 429)
        let problem = (try JSONSerialization.jsonObject(with: Data(refused.body))) as? [String: Any]
        #expect(problem?["code"] as? String == "rate_limited")
        #expect((problem?["detail"] as? String)?.contains("authenticate") == true)
        #expect(Int(refused.headers["Retry-After"] ?? "") ?? 0 >= 90)
        #expect(refused.headers["RateLimit"] == nil)
        // and a wrong key is refused the same way, not 401: the answer says nothing of the key
        #expect(try await send("/whoami", peer: "198.51.100.7", key: "wrong-guess-2").status.code == 429)
        #expect(try await send("/whoami", peer: "198.51.100.8", key: Self.key).status.code == 200)
        #expect(metrics.render().contains("\ngateway_failed_auth_limited_total 2\n"))
    }

    @Test("given an address whose requests authenticate, then however many it sends nothing is spent")
    func successesSpendNothing() async throws {
        for _ in 0..<10 {
            #expect(try await send("/whoami", peer: "198.51.100.9", key: Self.key).status.code == 200)
        }
        #expect(try await send("/whoami", peer: "198.51.100.9", key: "wrong-guess").status.code == 401)
        #expect(try await send("/whoami", peer: "198.51.100.9", key: Self.key).status.code == 200)
    }

    @Test("given an address blocked for wrong metrics tokens, then it is refused where it would present a key, and served public routes and the probes without one")
    func metricsTokenGuessesCount() async throws {
        // given
        #expect(try await send("/metrics", peer: "198.51.100.10", key: "guess-1").status.code == 401)
        #expect(try await send("/metrics", peer: "198.51.100.10", key: "guess-2").status.code == 401)
        // then
        #expect(try await send("/metrics", peer: "198.51.100.10", key: Self.token).status.code == 429)
        #expect(try await send("/metrics", peer: "198.51.100.10", headers: [("X-API-Key", Self.token)]).status.code == 429)
        #expect(try await send("/whoami", peer: "198.51.100.10", key: Self.key).status.code == 429)
        #expect(try await send("/openapi.yaml", peer: "198.51.100.10").status.code == 200)
        #expect(try await send("/healthz", peer: "198.51.100.10", key: Self.key).status.code == 200)
    }

    @Test("behind a trusted proxy the forwarded client is blocked, not the proxy")
    func forwardedClients() async throws {
        for _ in 0..<2 {
            let failed = try await send("/whoami", peer: "127.0.0.1", key: "wrong", headers: [("X-Forwarded-For", "203.0.113.1")])
            #expect(failed.status.code == 401)
        }
        #expect(try await send("/whoami", peer: "127.0.0.1", key: Self.key, headers: [("X-Forwarded-For", "203.0.113.1")]).status.code == 429)
        #expect(try await send("/whoami", peer: "127.0.0.1", key: Self.key, headers: [("X-Forwarded-For", "203.0.113.2")]).status.code == 200)
    }

    @Test("given a gateway configured with failed_auth_limit, when an address guesses the metrics token, then it is held off /metrics and the tenant routes; one not configured so never holds an address off")
    func configured() async throws {
        // given
        let harness = ApplicationHarness(metricsToken: Self.token, failedAuthLimit: TenantRateLimit(rate: 0.01, burst: 1))
        // when
        #expect(try await harness.send(.get, "/metrics", headers: [("X-API-Key", "guess")], authenticated: false, peer: "198.51.100.20").status.code == 401)
        // then
        #expect(try await harness.send(.get, "/metrics", headers: [("X-API-Key", Self.token)], authenticated: false, peer: "198.51.100.20").status.code == 429)
        #expect(try await harness.send(.get, "/connectors", peer: "198.51.100.20").status.code == 429)
        #expect(try await harness.send(.get, "/connectors", peer: "198.51.100.21").status.code == 200)
        // and without it
        let open = ApplicationHarness(metricsToken: Self.token)
        for _ in 0..<5 {
            #expect(try await open.send(.get, "/connectors", authenticated: false, peer: "198.51.100.22").status.code == 401)
        }
        #expect(try await open.send(.get, "/connectors", peer: "198.51.100.22").status.code == 200)
    }
}

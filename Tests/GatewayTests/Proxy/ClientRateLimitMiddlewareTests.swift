import Foundation
@testable import Gateway
import Hashing
import HTTP
import Server
import Testing

@Suite("public_rate_limit: routes without an API key, per client address")
struct ClientRateLimitMiddlewareTests {
    static let key = "tenant-key-for-limit-tests"

    let gateway: AddressLimitGateway
    let metrics = GatewayMetrics()

    init() {
        gateway = AddressLimitGateway(key: Self.key, metrics: metrics,
                                      limit: ClientRateLimitMiddleware(limiter: ClientRateLimiter(limit: TenantRateLimit(rate: 0.01, burst: 2))))
    }

    func send(_ target: String, peer: String, headers: [(String, String)] = []) async throws -> HTTPResponse {
        try await gateway.send(target, peer: peer, headers: headers)
    }

    @Test("a client over its allowance on a public route gets 429 rate_limited with Retry-After; others do not")
    func limited() async throws {
        #expect(try await send("/openapi.yaml", peer: "198.51.100.7").status.code == 200)
        #expect(try await send("/openapi.yaml", peer: "198.51.100.7").status.code == 200)
        let refused = try await send("/openapi.yaml", peer: "198.51.100.7")
        #expect(refused.status.code == 429)
        let problem = (try JSONSerialization.jsonObject(with: Data(refused.body))) as? [String: Any]
        #expect(problem?["code"] as? String == "rate_limited")
        #expect(refused.headers["Retry-After"] != nil)
        #expect(try await send("/openapi.yaml", peer: "198.51.100.8").status.code == 200)
        // unknown paths need no key either, so they count too
        #expect(try await send("/nothing-here", peer: "198.51.100.7").status.code == 429)
        // and /metrics counts the refusals, with no address in a label
        #expect(metrics.render().contains("\ngateway_public_rate_limited_total 2\n"))
    }

    @Test("the liveness and readiness probes are never limited, however often one address asks")
    func probesExempt() async throws {
        for _ in 0..<10 {
            #expect(try await send("/healthz", peer: "198.51.100.10").status.code == 200)
            #expect(try await send("/readyz", peer: "198.51.100.10").status.code == 200)
        }
        // while the same address is limited elsewhere
        #expect(try await send("/openapi.yaml", peer: "198.51.100.10").status.code == 200)
        #expect(try await send("/openapi.yaml", peer: "198.51.100.10").status.code == 200)
        #expect(try await send("/openapi.yaml", peer: "198.51.100.10").status.code == 429)
    }

    @Test("routes with an API key are limited per tenant, not per address")
    func tenantRoutesUntouched() async throws {
        for _ in 0..<5 {
            #expect(try await send("/whoami", peer: "198.51.100.9", headers: [("Authorization", "Bearer \(Self.key)")]).status.code == 200)
        }
    }

    @Test("behind a trusted proxy each forwarded client has its own allowance")
    func forwardedClients() async throws {
        for client in ["203.0.113.1", "203.0.113.1", "203.0.113.2", "203.0.113.2"] {
            #expect(try await send("/openapi.yaml", peer: "127.0.0.1", headers: [("X-Forwarded-For", client)]).status.code == 200)
        }
        #expect(try await send("/openapi.yaml", peer: "127.0.0.1", headers: [("X-Forwarded-For", "203.0.113.1")]).status.code == 429)
    }
}

@testable import Gateway
import HTTP
import Synchronization
import Testing

@Suite("Gateway tenant rate limits")
struct TenantRateLimitTests {
    @Test("every authenticated response carries RateLimit-Policy and RateLimit fields in draft-08 syntax")
    func fields() async throws {
        let harness = GatewayHarness(aliceLimit: TenantRateLimit(rate: 5, burst: 10))
        let response = try await harness.send(.get, "/whoami", key: GatewayHarness.aliceKey)
        #expect(response.headers["RateLimit-Policy"] == "\"tenant\";q=10;w=2")
        #expect(response.headers["RateLimit"]?.hasPrefix("\"tenant\";r=9;t=") == true)
    }

    @Test("given a request that spends the tenant's last allowance and fails with a short Retry-After (409), then its Retry-After is no earlier than the allowance's return; with allowance left, it stays as it was")
    func retryAfterNoEarlierThanTheAllowance() async throws {
        // given: alice may send one now, then one every 100 s; bob has plenty
        let harness = GatewayHarness(aliceLimit: TenantRateLimit(rate: 0.01, burst: 1)) { router in
            router.add(.post, "/busy") { _, _ in throw GatewayError.idempotencyConflict }
        }
        // when
        let spent = try await harness.send(.post, "/busy", key: GatewayHarness.aliceKey)
        let plenty = try await harness.send(.post, "/busy", key: GatewayHarness.bobKey)
        // then
        #expect(spent.status.code == 409)
        #expect(spent.headers["RateLimit"]?.hasPrefix("\"tenant\";r=0;t=") == true)
        let retryAfter = try #require(spent.headers["Retry-After"].flatMap(Int.init))
        #expect(retryAfter >= 99, "Retry-After \(retryAfter), the allowance back in ~100 s")
        #expect(spent.json["retry_after"] as? Int == retryAfter)
        #expect(plenty.status.code == 409)
        #expect(plenty.headers["Retry-After"] == "1")
    }

    @Test("given the tenant's allowance spent while a request runs, then its answer's RateLimit says what stands when it goes out, on a success and on a problem alike",
          arguments: [false, true])
    func fieldsOfWhenTheAnswerGoesOut(failing: Bool) async throws {
        // given: alice may send 10 at once, then one every 100 s; a route that, while it runs,
        // sees two more of her requests through (a slow upstream call beside her other traffic)
        let inner = Mutex<GatewayHarness?>(nil)
        let harness = GatewayHarness(aliceLimit: TenantRateLimit(rate: 0.01, burst: 10)) { router in
            router.add(.get, "/meanwhile") { _, _ in
                let gateway = try #require(inner.withLock { $0 })
                for _ in 0..<2 { _ = try await gateway.send(.get, "/whoami", key: GatewayHarness.aliceKey) }
                if failing { throw GatewayError.idempotencyConflict }
                return HTTPResponse(status: .ok, contentType: "text/plain", text: "done")
            }
        }
        inner.withLock { $0 = harness }
        // when
        let response = try await harness.send(.get, "/meanwhile", key: GatewayHarness.aliceKey)
        // then: 9 remained when it came in, 7 when it was answered
        #expect(response.status.code == (failing ? 409 : 200))
        #expect(response.headers["RateLimit"]?.hasPrefix("\"tenant\";r=7;t=") == true, "\(response.headers["RateLimit"] ?? "none")")
        #expect(response.headers.fields.filter { $0.name == "RateLimit" }.count == 1)
    }

    @Test("past its burst a tenant gets 429 with Retry-After, and another tenant is not affected")
    func isolation() async throws {
        // given: alice may send 3 at once and then 1 per 100 s; bob has plenty
        let started = ContinuousClock.now
        let harness = GatewayHarness(aliceLimit: TenantRateLimit(rate: 0.01, burst: 3))
        // when
        var statuses: [Int] = []
        for _ in 0..<5 { statuses.append(try await harness.send(.get, "/whoami", key: GatewayHarness.aliceKey).status.code) }
        let refused = try await harness.send(.get, "/whoami", key: GatewayHarness.aliceKey)
        let elapsed = Int((ContinuousClock.now - started).components.seconds)
        let bob = try await harness.send(.get, "/whoami", key: GatewayHarness.bobKey)
        // then
        #expect(statuses == [200, 200, 200, 429, 429])
        #expect(refused.json["code"] as? String == "rate_limited")
        let retryAfter = try #require(refused.headers["Retry-After"].flatMap(Int.init))
        #expect((100 - elapsed - 1...100).contains(retryAfter), "100 s less the \(elapsed) s the test took, rounded up")
        #expect(refused.headers["RateLimit"] == "\"tenant\";r=0;t=\(retryAfter)", "the reset names the time Retry-After does")
        #expect(bob.status == .ok)
    }
}

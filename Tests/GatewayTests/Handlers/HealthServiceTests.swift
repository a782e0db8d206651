import Gateway
import HTTP
import Testing

@Suite("health, readiness and metrics routes")
struct HealthServiceTests {
    static let token = "scrape-0123456789abcdef"

    @Test("given no metrics token configured, when /metrics is asked without credentials, then it answers the metrics")
    func metricsPublicByDefault() async throws {
        let harness = ApplicationHarness()
        let response = try await harness.send(.get, "/metrics", authenticated: false)
        #expect(response.status.code == 200)
        #expect(String(decoding: response.body, as: UTF8.self).contains("gateway_requests_total"))
    }

    @Test("given a metrics token, when /metrics is asked without it, with another, or with a tenant's API key, then 401 with WWW-Authenticate",
          arguments: [[], [("Authorization", "Bearer wrong-token-0123456789")], [("Authorization", "Bearer \(ApplicationHarness.key)")]])
    func metricsRefused(headers: [(String, String)]) async throws {
        let harness = ApplicationHarness(metricsToken: Self.token)
        let response = try await harness.send(.get, "/metrics", headers: headers, authenticated: false)
        #expect(response.status.code == 401)
        #expect(response.headers["WWW-Authenticate"] == "Bearer realm=\"connector-gateway\"")
        #expect(String(decoding: response.body, as: UTF8.self).contains("\"code\":\"unauthorized\""))
        #expect(!String(decoding: response.body, as: UTF8.self).contains("gateway_requests_total"))
        // It names what is asked for: the metrics token, not a tenant's API key.
        #expect(String(decoding: response.body, as: UTF8.self).contains(headers.isEmpty ? "needs the metrics token" : "metrics token is not valid"))
    }

    @Test("given a metrics token, when /metrics is asked with it, in either header, then it answers the metrics",
          arguments: [("Authorization", "Bearer \(token)"), ("X-API-Key", token)])
    func metricsWithToken(header: (String, String)) async throws {
        let harness = ApplicationHarness(metricsToken: Self.token)
        let response = try await harness.send(.get, "/metrics", headers: [header], authenticated: false)
        #expect(response.status.code == 200)
        #expect(String(decoding: response.body, as: UTF8.self).contains("gateway_requests_total"))
        #expect(response.headers["Cache-Control"] == "no-store")
        let health = try await harness.send(.get, "/healthz", authenticated: false)
        #expect(health.status.code == 200)
    }
}

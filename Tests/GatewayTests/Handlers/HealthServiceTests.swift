import Foundation
import Gateway
import HTTP
import Server
import Synchronization
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

    @Test("given a scrape held inside its gauges, when a probe arrives on the same event loop meanwhile, then the probe is answered while the scrape is still held")
    func scrapeLeavesTheLoopFree() async throws {
        // given: one event loop, and gauges that wait to be let go (at most 60 s, a hang guard:
        // the gauges hold one of the shared pool's threads, and under the whole suite's load on
        // two cores this test's own steps waited 10 s for the other once)
        let release = DispatchSemaphore(value: 0)
        let held = Mutex(false)
        let returned = Mutex(false)
        let health = HealthService(isDraining: { false }, metrics: GatewayMetrics(), gauges: {
            held.withLock { $0 = true }
            _ = release.wait(timeout: .now() + 60)
            returned.withLock { $0 = true }
            return [("test_scrape_gauge", "A gauge of the test.", [], 1)]
        })
        var router = Router()
        health.register(into: &router)
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.loopCount = 1
        let server = HTTPServer(configuration: configuration, responder: GatewayResponder(router: router, middleware: [ProblemMiddleware()]))
        try server.start()
        let scrape = try RawHTTPClient.connectAndSend(port: server.port, requests: ["GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"])
        while !held.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(1)) }
        // when
        let probe = try RawHTTPClient.connectAndSend(port: server.port, requests: ["GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"])
        let probeAnswer = await RawHTTPClient.readAllUntilClose(probe)[0]
        // then
        #expect(probeAnswer.hasPrefix("HTTP/1.1 200 "))
        #expect(!returned.withLock { $0 })
        release.signal()
        let scrapeAnswer = await RawHTTPClient.readAllUntilClose(scrape)[0]
        #expect(scrapeAnswer.hasPrefix("HTTP/1.1 200 "))
        #expect(scrapeAnswer.contains("\ntest_scrape_gauge 1\n"))
        await server.stop()
    }
}

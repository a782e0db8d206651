import Hashing
import HTTP

/// Liveness, readiness and metrics: public routes for orchestrators and scrapers.
public struct HealthService: Sendable {
    /// True while the server drains: readiness then fails so the balancer stops sending traffic.
    public let isDraining: @Sendable () -> Bool
    /// The counters `/metrics` renders.
    public let metrics: GatewayMetrics
    /// Point-in-time values for `/metrics` (open connections, circuit states).
    public let gauges: @Sendable () -> [GatewayMetrics.Gauge]

    /// SHA-256 of the token `/metrics` asks for (as `Authorization: Bearer` or `X-API-Key`);
    /// nil: `/metrics` is public.
    public let metricsTokenDigest: [UInt8]?

    /// `isDraining` is read on every probe, on a loop thread: it must be cheap. `gauges` is read
    /// on every scrape, off the loops (a circuit per tenant and connector adds up): it must be
    /// safe from any thread.
    public init(isDraining: @escaping @Sendable () -> Bool, metrics: GatewayMetrics, metricsTokenDigest: [UInt8]? = nil,
                gauges: @escaping @Sendable () -> [GatewayMetrics.Gauge] = { [] }) {
        self.isDraining = isDraining
        self.metrics = metrics
        self.metricsTokenDigest = metricsTokenDigest
        self.gauges = gauges
    }

    /// Adds `GET /healthz`, `/readyz` and `/metrics`, all public; `/metrics` checks the metrics
    /// token itself when there is one.
    public func register(into router: inout Router) {
        let service = self
        router.add(.get, "/healthz", access: .public) { _, _ in
            HTTPResponse(status: .ok, contentType: "application/json", text: "{\"status\":\"ok\"}")
        }
        router.add(.get, "/readyz", access: .public) { _, _ in
            guard !service.isDraining() else {
                throw Problem(status: 503, code: "not_ready", title: "Not ready",
                              detail: "The gateway is shutting down and takes no new work.", retryable: true,
                              retryAfter: .seconds(5))
            }
            return HTTPResponse(status: .ok, contentType: "application/json", text: "{\"status\":\"ready\"}")
        }
        router.add(.get, "/metrics", access: .public) { request, _ in
            if let expected = service.metricsTokenDigest {
                let token: String
                do {
                    token = try AuthenticationMiddleware.presentedKey(request)
                } catch {
                    throw GatewayError.unauthorized(
                        detail: "/metrics needs the metrics token: Authorization: Bearer <token> or X-API-Key: <token>.")
                }
                guard constantTimeEqual(SHA256.hash(token.utf8), expected) else {
                    throw GatewayError.unauthorized(detail: "The metrics token is not valid.")
                }
            }
            var response = HTTPResponse(status: .ok, body: await Self.exposition(of: service))
            response.headers.add("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
            // Behind a token, not for a shared cache to hand to callers without it (one sent
            // in X-API-Key is not covered by the rule for Authorization).
            if service.metricsTokenDigest != nil { response.headers.add("Cache-Control", "no-store") }
            return response
        }
    }

    /// The scrape's text, built on the shared executor rather than the event loop that read the
    /// request (a request's task prefers its loop as executor, so being nonisolated is not
    /// enough to leave it): with thousands of tenants it takes long enough (and the first scrape
    /// builds every tenant's sessions to read their circuits) that the loop's other
    /// connections, a liveness probe among them, would wait behind it.
    private static func exposition(of service: HealthService) async -> [UInt8] {
        await withTaskExecutorPreference(globalConcurrentExecutor) {
            service.metrics.exposition(gauges: service.gauges())
        }
    }
}

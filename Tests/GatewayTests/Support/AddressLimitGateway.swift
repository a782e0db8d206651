@testable import Gateway
import Hashing
import HTTP
import Server

/// A gateway for the per-address limits' tests: public `/healthz`, `/readyz` and `/openapi.yaml`,
/// a tenant's `/whoami` (one tenant, `acme`, with `key`), behind the application's middleware in
/// its order with `limit` where the address limits go, and 127.0.0.1 a trusted proxy.
struct AddressLimitGateway {
    let responder: GatewayResponder

    /// `routes` adds what a suite needs besides.
    init(key: String, metrics: GatewayMetrics, limit: any Middleware, routes: (inout Router) -> Void = { _ in }) {
        var router = Router()
        router.add(.get, "/healthz", access: .public) { _, _ in
            HTTPResponse(status: .ok, contentType: "application/json", text: "{\"status\":\"ok\"}")
        }
        router.add(.get, "/readyz", access: .public) { _, _ in
            HTTPResponse(status: .ok, contentType: "application/json", text: "{\"status\":\"ready\"}")
        }
        router.add(.get, "/openapi.yaml", access: .public) { _, _ in
            HTTPResponse(status: .ok, contentType: "application/yaml", text: "openapi: 3.1.0\n")
        }
        router.add(.get, "/whoami") { _, context in
            HTTPResponse(status: .ok, contentType: "text/plain", text: context.tenant?.id ?? "nobody")
        }
        routes(&router)
        let tenants = [Tenant(id: "acme", keyDigests: [SHA256.hash(key.utf8)], rateLimit: TenantRateLimit(rate: 1000, burst: 1000))]
        responder = GatewayResponder(router: router, middleware: [
            RequestIDMiddleware(),
            ClientAddressMiddleware(trustedProxies: TrustedProxies([try! CIDR("127.0.0.1/32")])),
            MetricsMiddleware(metrics: metrics),
            ProblemMiddleware(),
            limit,
            AuthenticationMiddleware(directory: TenantDirectory(tenants)),
            TenantRateLimitMiddleware(limiter: TenantRateLimiter(tenants: tenants)),
        ])
    }

    /// `GET target` from `peer`, with `key` as a Bearer token when given.
    func send(_ target: String, peer: String, key: String? = nil, headers: [(String, String)] = []) async throws -> HTTPResponse {
        let presented = key.map { [("Authorization", "Bearer \($0)")] } ?? []
        let request = HTTPRequest(method: .get, target: target, headers: [("Host", "gateway")] + presented + headers, body: [])
        let context = GatewayContext(connection: RequestContext(remoteAddress: try SocketAddress(host: peer, port: 40000)))
        return try await responder.respond(to: request, context: context)
    }
}

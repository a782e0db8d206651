import Foundation
import Gateway
import Hashing
import HTTP

/// A gateway responder with two tenants and a few routes, driven in-process (no sockets).
struct GatewayHarness {
    static let aliceKey = "alice-secret-key"
    static let bobKey = "bob-secret-key"

    let responder: GatewayResponder
    let log: LogSink

    init(aliceLimit: TenantRateLimit = TenantRateLimit(rate: 1000, burst: 1000),
         bobLimit: TenantRateLimit = TenantRateLimit(rate: 1000, burst: 1000),
         logLevel: LogSink.Level = .debug,
         extraRoutes: (inout Router) -> Void = { _ in }) {
        let tenants = [
            Tenant(id: "alice", keyDigests: [SHA256.hash(Self.aliceKey.utf8)], rateLimit: aliceLimit),
            Tenant(id: "bob", keyDigests: [SHA256.hash(Self.bobKey.utf8)], rateLimit: bobLimit),
        ]
        var router = Router()
        router.add(.get, "/healthz", access: .public) { _, _ in
            HTTPResponse(status: .ok, contentType: "application/json", text: "{\"status\":\"ok\"}")
        }
        router.add(.get, "/whoami") { _, context in
            HTTPResponse(status: .ok, contentType: "text/plain", text: context.tenant?.id ?? "nobody")
        }
        router.add(.post, "/things/{id}/poke") { _, context in
            HTTPResponse(status: .ok, contentType: "text/plain", text: "poked \(context.parameters["id"] ?? "?")")
        }
        router.add(.get, "/things/{id}") { _, context in
            HTTPResponse(status: .ok, contentType: "text/plain", text: "thing \(context.parameters["id"] ?? "?")")
        }
        extraRoutes(&router)
        log = LogSink.capturing(level: logLevel)
        responder = GatewayResponder(router: router, middleware: [
            RequestIDMiddleware(),
            AccessLogMiddleware(sink: log),
            ProblemMiddleware(),
            AuthenticationMiddleware(directory: TenantDirectory(tenants)),
            TenantRateLimitMiddleware(limiter: TenantRateLimiter(tenants: tenants)),
        ])
    }

    func send(_ method: HTTPMethod, _ target: String, headers: [(String, String)] = [], body: String = "") async throws -> HTTPResponse {
        let request = HTTPRequest(method: method, target: target, headers: [("Host", "gateway")] + headers, body: Array(body.utf8))
        return try await responder.respond(to: request, context: GatewayContext())
    }

    func send(_ method: HTTPMethod, _ target: String, key: String, body: String = "") async throws -> HTTPResponse {
        try await send(method, target, headers: [("Authorization", "Bearer \(key)")], body: body)
    }
}

extension HTTPResponse {
    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object (problem documents).
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
    }
}

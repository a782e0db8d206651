import Foundation
@testable import Gateway
import HTTP
import Server
import Testing

@Suite("Client address in the access log")
struct ClientAddressMiddlewareTests {
    /// A responder with one public route, the client-address middleware and a capturing access log.
    func responder(trusting ranges: [String]) throws -> (GatewayResponder, LogSink) {
        var router = Router()
        router.add(.get, "/healthz", access: .public) { _, _ in
            HTTPResponse(status: .ok, contentType: "application/json", text: "{\"status\":\"ok\"}")
        }
        let log = LogSink.capturing()
        let responder = GatewayResponder(router: router, middleware: [
            RequestIDMiddleware(),
            ClientAddressMiddleware(trustedProxies: TrustedProxies(try ranges.map { text throws in try CIDR(text) })),
            AccessLogMiddleware(sink: log),
        ])
        return (responder, log)
    }

    func loggedClient(trusting ranges: [String], peer: String, headers: [(String, String)]) async throws -> Any? {
        let (responder, log) = try responder(trusting: ranges)
        let request = HTTPRequest(method: .get, target: "/healthz", headers: [("Host", "gateway")] + headers, body: [])
        let context = GatewayContext(connection: RequestContext(remoteAddress: try SocketAddress(host: peer, port: 40000), connectionID: 7))
        let response = try await responder.respond(to: request, context: context)
        #expect(response.status.code == 200)
        let line = try #require(log.lines.first)
        let entry = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(entry["connection"] as? Int == 7)
        return entry["client"]
    }

    @Test("behind a trusted proxy the log names the forwarded client")
    func trusted() async throws {
        let client = try await loggedClient(trusting: ["127.0.0.1/32"], peer: "127.0.0.1",
                                            headers: [("X-Forwarded-For", "6.6.6.6, 203.0.113.9")])
        #expect(client as? String == "203.0.113.9")
    }

    @Test("a spoofed X-Forwarded-For from an untrusted peer is ignored")
    func untrusted() async throws {
        let client = try await loggedClient(trusting: ["10.0.0.0/8"], peer: "127.0.0.1",
                                            headers: [("X-Forwarded-For", "203.0.113.9")])
        #expect(client as? String == "127.0.0.1")
        let none = try await loggedClient(trusting: [], peer: "::1", headers: [("X-Forwarded-For", "203.0.113.9")])
        #expect(none as? String == "::1")
    }

    @Test("a trusted peer without X-Forwarded-For is the client itself")
    func trustedWithoutHeader() async throws {
        let client = try await loggedClient(trusting: ["127.0.0.1/32"], peer: "127.0.0.1", headers: [])
        #expect(client as? String == "127.0.0.1")
    }
}

import Foundation
import Gateway
import HTTP
import Testing

@Suite("Gateway static files")
struct StaticFilesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    func responder() -> GatewayResponder {
        var router = Router()
        StaticFiles(directory: Self.root.appendingPathComponent("Public"),
                    extra: ["/openapi.yaml": Self.root.appendingPathComponent("openapi.yaml")]).register(into: &router)
        return GatewayResponder(router: router, middleware: [ProblemMiddleware()])
    }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> HTTPResponse {
        try await responder().respond(to: HTTPRequest(method: .get, target: path, headers: [("Host", "g")] + headers), context: GatewayContext())
    }

    /// Every code a problem of the gateway or of `deploy/nginx.conf` may carry.
    static let problemCodes = [
        "invalid_request", "unauthorized", "connector_not_configured", "unknown_connector", "item_not_found",
        "not_found", "method_not_allowed", "idempotency_conflict", "idempotency_mismatch", "precondition_failed", "payload_too_large",
        "unsupported_media_type", "upstream_rejected", "rate_limited", "upstream_rate_limited",
        "operation_not_supported", "upstream_auth_failed", "upstream_error", "upstream_unavailable",
        "upstream_timeout", "internal_error", "not_ready", "request_timeout", "uri_too_long",
        "header_fields_too_large", "expectation_failed", "not_implemented", "http_version_not_supported",
        "gateway_unavailable", "gateway_timeout",
    ]

    @Test("every problem type the gateway can answer has its page, at the path its `type` names")
    func problemPages() async throws {
        for code in Self.problemCodes {
            let response = try await get("/problems/\(code)")
            #expect(response.status == .ok, "\(code)")
            #expect(response.headers["Content-Type"] == "text/html; charset=utf-8")
            #expect(String(decoding: response.body, as: UTF8.self).contains("<code>\(code)</code>"))
        }
    }

    @Test("openapi.yaml's ProblemCode, with nginx's two codes, and the pages in Public/problems are the same set of codes")
    func problemCodesAgree() throws {
        let spec = try String(contentsOf: Self.root.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        let lines = spec.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex(of: "    ProblemCode:"))
        let enumStart = try #require(lines[start...].firstIndex(of: "      enum:"))
        let inSpec = lines[(enumStart + 1)...].prefix { $0.hasPrefix("        - ") }.map { String($0.dropFirst(10)) }
        let pages = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Public/problems").path)
            .filter { $0.hasSuffix(".html") && $0 != "index.html" }.map { String($0.dropLast(5)) }
        #expect(inSpec.count > 20)
        #expect(Set(inSpec + ["gateway_unavailable", "gateway_timeout"]) == Set(pages))
        #expect(Set(pages) == Set(Self.problemCodes))
    }

    @Test("every console module is served as a script, and openapi.yaml documents exactly the modules Public/console holds")
    func consoleModules() async throws {
        let folder = Self.root.appendingPathComponent("Public/console")
        let modules = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".js") }.sorted()
        #expect(modules.contains("main.js"))
        for module in modules {
            let response = try await get("/console/\(module)")
            #expect(response.status == .ok, "\(module)")
            #expect(response.headers["Content-Type"] == "text/javascript; charset=utf-8")
        }
        let spec = try String(contentsOf: Self.root.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        let documented = spec.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  /console/"), line.hasSuffix(":") else { return nil }
            return String(line.dropFirst("  /console/".count).dropLast())
        }.sorted()
        #expect(documented == modules)
    }

    @Test("static responses carry a strict CSP, nosniff and an ETag that answers If-None-Match with 304")
    func headersAndETag() async throws {
        let first = try await get("/problems/problem.css")
        #expect(first.headers["Content-Type"] == "text/css; charset=utf-8")
        #expect(first.headers["X-Content-Type-Options"] == "nosniff")
        #expect(first.headers["Content-Security-Policy"]?.contains("default-src 'none'") == true)
        let etag = try #require(first.headers["ETag"])
        let again = try await get("/problems/problem.css", headers: [("If-None-Match", etag)])
        #expect(again.status.code == 304)
        #expect(again.body.isEmpty)
        // the tag on a second If-None-Match line: the lines are one list (RFC 9110 §5.3)
        let split = try await get("/problems/problem.css", headers: [("If-None-Match", "\"other\""), ("If-None-Match", etag)])
        #expect(split.status.code == 304)
        let neither = try await get("/problems/problem.css", headers: [("If-None-Match", "\"other\""), ("If-None-Match", "W/\"x\"")])
        #expect(neither.status.code == 200)
        // and a 304 carries its validator, not the representation's Content-Type (RFC 9110 §15.4.5)
        #expect(again.headers["ETag"] == etag && again.headers["Content-Type"] == nil)
    }

    @Test("given If-Match, then a file is served only when a tag matches it strongly (or `*`), else 412 precondition_failed; If-None-Match is looked at after it")
    func ifMatch() async throws {
        let etag = try #require(try await get("/openapi.yaml").headers["ETag"])
        for tags in [[etag], ["\"other\", " + etag], ["\"other\"", etag], ["*"]] {
            let served = try await get("/openapi.yaml", headers: tags.map { ("If-Match", $0) })
            #expect(served.status == .ok, "\(tags)")
        }
        for tags in [["\"other\""], ["W/" + etag], ["\"a\", \"b\""], ["\"a,*\""], ["*", "\"other\""]] {
            let refused = try await get("/openapi.yaml", headers: tags.map { ("If-Match", $0) })
            #expect(refused.status.code == 412, "\(tags)")
            #expect(refused.json["code"] as? String == "precondition_failed")
            #expect(refused.headers["Content-Type"] == "application/problem+json")
        }
        let both = try await get("/openapi.yaml", headers: [("If-Match", etag), ("If-None-Match", etag)])
        #expect(both.status.code == 304)
    }

    @Test("no path reaches outside Public/", arguments: ["/../Package.swift", "/problems/../../Package.swift",
                                                        "/%2e%2e/Package.swift", "/problems/%2e%2e/%2e%2e/Package.swift",
                                                        "/problems/..%2f..%2fPackage.swift", "/Package.swift",
                                                        "/etc/passwd", "//etc/passwd", "/%2Fetc%2Fpasswd",
                                                        "/problems/%2Fetc%2Fpasswd", "/work/main/Package.swift"])
    func traversal(path: String) async throws {
        let response = try await get(path)
        #expect(response.status.code == 404)
    }

    @Test("given a folder with hidden files and editors' leftovers beside its pages, then only the pages are served")
    func hiddenAndLeftoversNotServed() async throws {
        // given
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("static-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("docs"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent(".git"), withIntermediateDirectories: true)
        for (name, text) in [("index.html", "home"), ("docs/index.html", "docs"), (".env", "SECRET=1"), ("index.html~", "old"),
                             ("docs/.index.html.swp", "swap"), ("app.js.bak", "old js"), (".git/config", "[core]")] {
            try Data(text.utf8).write(to: folder.appendingPathComponent(name))
        }
        var router = Router()
        StaticFiles(directory: folder).register(into: &router)
        let responder = GatewayResponder(router: router, middleware: [ProblemMiddleware()])
        func status(_ path: String) async throws -> Int {
            try await responder.respond(to: HTTPRequest(method: .get, target: path, headers: [("Host", "g")]), context: GatewayContext()).status.code
        }
        // then
        for path in ["/", "/index.html", "/docs", "/docs/index.html"] { #expect(try await status(path) == 200, "\(path)") }
        for path in ["/.env", "/index.html~", "/docs/.index.html.swp", "/app.js.bak", "/.git/config"] { #expect(try await status(path) == 404, "\(path)") }
    }

    @Test("given files named like the gateway's own routes or with braces, and both x.html and x/index.html, then the routes are left theirs and said, and /x is always x.html")
    func collisionsLeftOut() async throws {
        // given
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("static-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("guide"), withIntermediateDirectories: true)
        for (name, text) in [("healthz.html", "not health"), ("{id}.html", "braces"), ("guide.html", "guide page"),
                             ("guide/index.html", "guide folder")] {
            try Data(text.utf8).write(to: folder.appendingPathComponent(name))
        }
        var router = Router()
        router.add(.get, "/healthz", access: .public) { _, _ in HTTPResponse(status: .ok, body: Array("ok".utf8)) }
        // when
        let left = StaticFiles(directory: folder).register(into: &router)
        let responder = GatewayResponder(router: router, middleware: [ProblemMiddleware()])
        func text(_ path: String) async throws -> String {
            let response = try await responder.respond(to: HTTPRequest(method: .get, target: path, headers: [("Host", "g")]), context: GatewayContext())
            return String(decoding: response.body, as: UTF8.self)
        }
        // then
        #expect(left == ["/healthz", "/{id}", "/{id}.html"])
        #expect(try await text("/healthz") == "ok")
        #expect(try await text("/healthz.html") == "not health")
        #expect(try await text("/guide") == "guide page")
        #expect(try await text("/guide/index.html") == "guide folder")
    }
}

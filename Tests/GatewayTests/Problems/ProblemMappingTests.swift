import Connectors
import Foundation
import Gateway
import HTTP
import Server
import Testing

@Suite("Problem documents: one row of the error table each")
struct ProblemMappingTests {
    static let failure = UpstreamFailure(marketplace: .ozon, status: 429, message: "You have reached request rate limit per second")
    static let key = ConnectorKey(.wildberries, .review)

    static let connectorRows: [(ConnectorError, Int, String, Bool)] = [
        (.unknownConnector(ConnectorKey(Marketplace(rawValue: "etsy"), .chat)), 404, "unknown_connector", false),
        (.credentialsMissing(.ozon, missing: ["api_key"]), 403, "connector_not_configured", false),
        (.operationNotSupported(key, .markRead), 501, "operation_not_supported", false),
        (.itemNotFound(id: "abc"), 404, "item_not_found", false),
        (.malformedItemID(id: "abc", shape: .uuid), 404, "item_not_found", false),
        (.invalidRequest(field: "cursor", reason: "bad cursor"), 400, "invalid_request", false),
        (.upstreamAuthFailed(UpstreamFailure(marketplace: .ozon, status: 404, message: "Invalid Api-Key")), 502, "upstream_auth_failed", false),
        (.upstreamRejected(UpstreamFailure(marketplace: .wildberries, status: 422, message: "already answered")), 422, "upstream_rejected", false),
        (.upstreamRateLimited(retryAfter: .milliseconds(1500), failure), 429, "upstream_rate_limited", true),
        (.upstreamUnavailable(retryAfter: .seconds(20), nil), 503, "upstream_unavailable", true),
        (.upstreamTimeout(nil), 504, "upstream_timeout", true),
        (.upstreamError(UpstreamFailure(marketplace: .wildberries, status: 500, message: "Internal error")), 502, "upstream_error", true),
        (.upstreamError(UpstreamFailure(marketplace: .ozon, status: nil, message: "connection lost")), 502, "upstream_error", true),
        // Answered successfully with something unusable: the same call gets the same answer.
        (.upstreamError(UpstreamFailure(marketplace: .ozon, status: 200, message: "unreadable answer")), 502, "upstream_error", false),
        (.upstreamError(UpstreamFailure(marketplace: .ozon, status: 400, message: "invalid field")), 502, "upstream_error", false),
        (.upstreamError(UpstreamFailure(marketplace: .ozon, status: 429, message: "still limited")), 502, "upstream_error", true),
    ]

    @Test("connector errors", arguments: connectorRows.indices)
    func connectorError(row: Int) {
        let (error, status, code, retryable) = Self.connectorRows[row]
        let response = Problem(error).response(requestID: "rid-1", instance: "/x")
        let json = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        #expect(response.status.code == status)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        #expect(json["type"] as? String == "/problems/\(code)")
        #expect(json["code"] as? String == code)
        #expect(json["status"] as? Int == status)
        #expect(json["request_id"] as? String == "rid-1")
        #expect(json["instance"] as? String == "/x")
        #expect(json["retryable"] as? Bool == retryable)
        #expect(json["title"] is String && json["detail"] is String)
    }

    @Test("given a marketplace that took the credentials but lacks a subscription or payment for the account, then the problem says so instead of sending the operator to check them")
    func lacksEntitlement() {
        let unpaid = Problem(.upstreamAuthFailed(UpstreamFailure(marketplace: .wildberries, status: 402, message: "payment required", lacksEntitlement: true)))
        let refused = Problem(.upstreamAuthFailed(UpstreamFailure(marketplace: .wildberries, status: 401, message: "token expired")))
        #expect(unpaid.status == 502 && unpaid.code == "upstream_auth_failed")
        #expect(unpaid.detail.contains("a subscription, a signed offer or a payment is missing"))
        #expect(!unpaid.detail.contains("check them"))
        #expect(refused.detail.contains("check them in the configuration"))
    }

    @Test("given credentials refused before any call (a Wildberries base token's pace), then the problem says what was not sent and why, with no upstream member")
    func refusedUnsent() {
        let problem = Problem(.upstreamAuthFailed(UpstreamFailure(marketplace: .wildberries, status: nil,
                                                                  message: "answering feedback f1 takes two calls: use a personal or service token")))
        #expect(problem.status == 502 && problem.code == "upstream_auth_failed" && !problem.retryable)
        #expect(problem.detail == "Not sent: answering feedback f1 takes two calls: use a personal or service token.")
        #expect(problem.upstream == nil)
    }

    @Test("upstream waits surface as Retry-After, rounded up to whole seconds")
    func retryAfter() {
        let limited = Problem(.upstreamRateLimited(retryAfter: .milliseconds(1500), Self.failure)).response(requestID: "r", instance: "/")
        let down = Problem(.upstreamUnavailable(retryAfter: .seconds(20), nil)).response(requestID: "r", instance: "/")
        #expect(limited.headers["Retry-After"] == "2")
        #expect(down.headers["Retry-After"] == "20")
        let json = (try? JSONSerialization.jsonObject(with: Data(limited.body))) as? [String: Any] ?? [:]
        #expect(json["retry_after"] as? Int == 2)
        let upstream = json["upstream"] as? [String: Any]
        #expect(upstream?["marketplace"] as? String == "ozon")
        #expect(upstream?["status"] as? Int == 429)
    }

    static let gatewayRows: [(GatewayError, Int, String)] = [
        (.invalidRequest(detail: "bad", errors: [FieldError("limit", "must be 1…100")]), 400, "invalid_request"),
        (.unauthorized(detail: "no key"), 401, "unauthorized"),
        (.notFound(path: "/x"), 404, "not_found"),
        (.methodNotAllowed(method: "PUT", allow: ["GET", "HEAD", "OPTIONS"]), 405, "method_not_allowed"),
        (.idempotencyConflict, 409, "idempotency_conflict"),
        (.idempotencyMismatch, 422, "idempotency_mismatch"),
        (.unsupportedMediaType(received: "text/plain"), 415, "unsupported_media_type"),
        (.rateLimited(retryAfter: .seconds(3)), 429, "rate_limited"),
    ]

    @Test("gateway errors", arguments: gatewayRows.indices)
    func gatewayError(row: Int) {
        let (error, status, code) = Self.gatewayRows[row]
        let response = Problem(error).response(requestID: "rid", instance: "/y")
        let json = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        #expect(response.status.code == status)
        #expect(json["code"] as? String == code)
    }

    @Test("each problem's title is the heading of the page its type names, so a client and its reader see one name")
    func titlesMatchPages() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        func heading(_ code: String) throws -> String {
            let page = try String(contentsOf: root.appendingPathComponent("Public/problems/\(code).html"), encoding: .utf8)
            let start = try #require(page.range(of: "<h1>")), end = try #require(page.range(of: "</h1>"))
            return String(page[start.upperBound..<end.lowerBound])
        }
        var titles: [(code: String, title: String)] = []
        for problem in Self.connectorRows.map({ Problem($0.0) }) + Self.gatewayRows.map({ Problem($0.0) }) {
            titles.append((problem.code, problem.title))
        }
        let server: [(String, HTTPStatus)] = [("invalid_request", .badRequest), ("request_timeout", HTTPStatus(code: 408)),
                                              ("payload_too_large", .contentTooLarge), ("uri_too_long", .uriTooLong),
                                              ("expectation_failed", .expectationFailed), ("header_fields_too_large", .requestHeaderFieldsTooLarge),
                                              ("not_implemented", .notImplemented), ("http_version_not_supported", .httpVersionNotSupported),
                                              ("internal_error", HTTPStatus(code: 500))]
        titles += server.map { ($0.0, ProblemResponse.title(code: $0.0, status: $0.1)) }
        for (code, title) in titles {
            #expect(try heading(code) == title, "\(code)")
        }
    }

    @Test("field errors are listed per field")
    func fieldErrors() {
        let response = Problem(GatewayError.invalidRequest(detail: "bad", errors: [FieldError("limit", "too big"), FieldError("status", "unknown")]))
            .response(requestID: "r", instance: "/")
        let json = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        let errors = json["errors"] as? [[String: String]]
        #expect(errors == [["field": "limit", "message": "too big"], ["field": "status", "message": "unknown"]])
    }

    @Test("given a connector's reason that starts with its field's name, then the field's message has the name once, in field; the detail keeps the sentence")
    func connectorFieldMessage() {
        let named = Problem(ConnectorError.invalidRequest(field: "text", reason: "text must be 2…5000 characters and not blank, got 1."))
            .response(requestID: "r", instance: "/")
        let other = Problem(ConnectorError.invalidRequest(field: "cursor", reason: "The cursor is not one this connector issued."))
            .response(requestID: "r", instance: "/")
        let json = { (response: HTTPResponse) in (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:] }
        #expect(json(named)["errors"] as? [[String: String]] == [["field": "text", "message": "must be 2…5000 characters and not blank, got 1."]])
        #expect(json(named)["detail"] as? String == "text must be 2…5000 characters and not blank, got 1.")
        #expect(json(other)["errors"] as? [[String: String]] == [["field": "cursor", "message": "The cursor is not one this connector issued."]])
    }

    @Test("given a body with hundreds of wrong fields, then the problem lists the first 50, each name cut to 64 characters")
    func manyFieldErrors() {
        let wrong = (0..<300).map { FieldError("k\($0)" + String(repeating: "x", count: $0 == 0 ? 5000 : 0), "is not a known field") }
        let response = Problem(GatewayError.invalidRequest(detail: "The body has unknown fields.", errors: wrong))
            .response(requestID: "r", instance: "/")
        let json = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        let errors = json["errors"] as? [[String: String]] ?? []
        #expect(errors.count == 50)
        #expect(errors.first?["field"] == "k0" + String(repeating: "x", count: 62) + "…")
        #expect(errors.last?["field"] == "k49")
        #expect(json["detail"] as? String == "The body has unknown fields. The first 50 of 300 field errors are listed.")
        #expect(response.body.count < 8_000)
    }

    @Test("an unexpected error becomes a bare 500 without its description")
    func unexpected() async throws {
        struct Secret: Error, CustomStringConvertible { var description: String { "db password hunter2" } }
        let harness = GatewayHarness { router in
            router.add(.get, "/boom", access: .public) { _, _ in throw Secret() }
        }
        let response = try await harness.send(.get, "/boom")
        #expect(response.status.code == 500)
        #expect(response.json["code"] as? String == "internal_error")
        #expect(!response.text.contains("hunter2"))
        #expect(!response.text.contains("Secret"))
    }
}

import Connectors
import Foundation
@testable import Gateway
import Hashing
import Marketplaces
import Testing

@Suite("the configuration file: defaults, every setting, and errors that name their field")
struct GatewayConfigurationTests {
    static let digest = Hex.encode(SHA256.hash("acme-key".utf8))

    func parse(_ json: String, environment: [String: String] = [:]) throws(ConfigurationError) -> GatewayConfiguration {
        try GatewayConfiguration.parse(json, environment: environment)
    }

    func tenantJSON(_ id: String = "acme", digests: [String] = [digest], extra: String = "") -> String {
        let list = digests.map { "\"\($0)\"" }.joined(separator: ", ")
        return "{\"id\": \"\(id)\", \"api_key_sha256\": [\(list)]\(extra)}"
    }

    func expectError(_ json: String, field: String, containing message: String = "",
                     environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(sourceLocation: sourceLocation) {
            try parse(json, environment: environment)
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.field == field && (message.isEmpty || error.problem.contains(message))
        }
    }

    @Test("given the README's example file with its variables set, when parsed, then it holds what the README says")
    func readmeExample() throws {
        // given
        let readme = try String(contentsOf: URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().appendingPathComponent("../../../README.md").standardized, encoding: .utf8)
        let section = try #require(readme.range(of: "## Configuration"))
        let rest = readme[section.upperBound...]
        let open = try #require(rest.range(of: "```json\n"))
        let close = try #require(rest[open.upperBound...].range(of: "```"))
        var example = String(rest[open.upperBound..<close.lowerBound])
        let placeholder = try #require(example.range(of: #""<output of:[^"]*(\\"[^"]*)*"\]"#, options: .regularExpression))
        example.replaceSubrange(placeholder, with: "\"\(Self.digest)\"]")
        let environment = ["GATEWAY_CURSOR_SECRET": "a-cursor-secret-of-32-characters", "ACME_WB_TOKEN": "wb-token",
                           "ACME_OZON_API_KEY": "ozon-key"]

        // when
        let configuration = try parse(example, environment: environment)

        // then
        #expect(configuration.server.host == "0.0.0.0" && configuration.server.port == 8080)
        #expect(configuration.cursorSecret == Array("a-cursor-secret-of-32-characters".utf8))
        #expect(configuration.upstreamDeadline == .milliseconds(20_000))
        #expect(configuration.drainTimeout == .milliseconds(25_000))
        #expect(configuration.idempotencyLifetime == .seconds(86_400) && configuration.idempotencyCapacity == 10_000)
        #expect(configuration.server.loopCount == 2 && configuration.server.maxConnections == 10_000)
        #expect(configuration.server.headerReadTimeout == .seconds(10) && configuration.server.bodyReadTimeout == .seconds(30))
        #expect(configuration.server.idleTimeout == .seconds(60) && configuration.server.writeTimeout == .seconds(30))
        #expect(configuration.server.limits.maxBodyLength == 1_048_576)
        let tenant = try #require(configuration.tenants.first)
        #expect(configuration.tenants.count == 1 && tenant.id == "acme")
        #expect(tenant.keyDigests == [SHA256.hash("acme-key".utf8)])
        #expect(tenant.rateLimit == TenantRateLimit(rate: 20, burst: 40))
        #expect(tenant.credentials[.wildberries]?["token"] == "wb-token")
        #expect(tenant.credentials[.ozon]?["client_id"] == "123456" && tenant.credentials[.ozon]?["api_key"] == "ozon-key")
        #expect(configuration.endpoints == MarketplaceEndpoints())
    }

    @Test("given only a tenant, when parsed, then every other setting has the README's default")
    func defaults() throws {
        let configuration = try parse("{\"tenants\": [\(tenantJSON())]}")
        #expect(configuration.server.host == "127.0.0.1" && configuration.server.port == 8080)
        #expect(configuration.upstreamDeadline == .seconds(20) && configuration.drainTimeout == .seconds(8))
        #expect(configuration.drainDelay == .zero)
        #expect(configuration.upstreamAnswerBytes == 256 << 20)
        #expect(configuration.idempotencyLifetime == .seconds(86_400) && configuration.idempotencyCapacity == 10_000)
        #expect(configuration.tenants[0].rateLimit == TenantRateLimit(rate: 10, burst: 20))
        #expect(configuration.tenants[0].credentials.isEmpty)
        #expect(configuration.trustedProxies.ranges.isEmpty && configuration.publicRateLimit == nil)
        #expect(configuration.cursorSecret.count == 32)
        #expect(try parse("{\"tenants\": [\(tenantJSON())]}").cursorSecret != configuration.cursorSecret)
    }

    @Test("given every server setting, when parsed, then each reaches the server core")
    func serverSettings() throws {
        let configuration = try parse("""
            {"server": {"loops": 3, "max_connections": 500, "backlog": 64, "header_timeout_ms": 1500, "body_timeout_ms": 2500,
                        "idle_timeout_ms": 3500, "write_timeout_ms": 4500, "max_body_bytes": 2048, "max_header_bytes": 4096,
                        "max_field_line_bytes": 1000, "max_request_line_bytes": 900, "max_header_fields": 30,
                        "linger_timeout_ms": 1200, "max_pending_output_bytes": 262144, "max_loop_pending_output_bytes": 8388608,
                        "max_loop_body_bytes": 4194304, "half_close_grace_ms": 250},
             "tenants": [\(tenantJSON())]}
            """)
        let server = configuration.server
        #expect(server.halfCloseGrace == .milliseconds(250))
        #expect(server.loopCount == 3 && server.maxConnections == 500 && server.backlog == 64)
        #expect(server.headerReadTimeout == .milliseconds(1500) && server.bodyReadTimeout == .milliseconds(2500))
        #expect(server.idleTimeout == .milliseconds(3500) && server.writeTimeout == .milliseconds(4500))
        #expect(server.limits.maxBodyLength == 2048 && server.limits.maxHeaderBlockLength == 4096)
        #expect(server.limits.maxFieldLineLength == 1000 && server.limits.maxRequestLineLength == 900)
        #expect(server.limits.maxFieldCount == 30)
        #expect(server.lingerTimeout == .milliseconds(1200))
        #expect(server.maxPendingOutput == 262_144 && server.maxLoopPendingOutput == 8_388_608)
        #expect(server.maxLoopBodyBytes == 4_194_304)
    }

    @Test("given a Wildberries token written with its Bearer scheme, when parsed, then it is taken as written")
    func bearerToken() throws {
        let configuration = try parse(#"{"tenants": [\#(tenantJSON(extra: #", "credentials": {"wildberries": {"token": "Bearer eyJ.x.y"}}"#))]}"#)
        #expect(configuration.tenants.first?.credentials[.wildberries]?["token"] == "Bearer eyJ.x.y")
    }

    @Test("given a metrics token from the environment, when parsed, then only its digest is kept; a short or spaced one is refused by name")
    func metricsToken() throws {
        let configuration = try parse(#"{"metrics_token": "${METRICS_TOKEN}", "tenants": [\#(tenantJSON())]}"#,
                                      environment: ["METRICS_TOKEN": "scrape-0123456789abcdef"])
        #expect(configuration.metricsTokenDigest == SHA256.hash("scrape-0123456789abcdef".utf8))
        #expect(try parse(#"{"tenants": [\#(tenantJSON())]}"#).metricsTokenDigest == nil)
        for token in ["short", "has a space in it, sixteen+"] {
            expectError(#"{"metrics_token": "\#(token)", "tenants": [\#(tenantJSON())]}"#, field: "metrics_token", containing: "16 to 512")
        }
    }

    @Test("given a metrics token that is also a tenant's key, then the configuration is refused naming the tenant: that key would show it every tenant's traffic")
    func metricsTokenIsATenantKey() throws {
        let key = "tenant-key-0123456789abcdef"
        let tenant = tenantJSON("globex", digests: [Hex.encode(SHA256.hash(key.utf8))])
        expectError(#"{"metrics_token": "\#(key)", "tenants": [\#(tenantJSON()), \#(tenant)]}"#, field: "metrics_token", containing: "tenant \"globex\"")
        #expect(try parse(#"{"metrics_token": "scrape-0123456789abcdef", "tenants": [\#(tenantJSON()), \#(tenant)]}"#).metricsTokenDigest != nil)
    }

    @Test("given a header block smaller than the default field line, when parsed alone, then the field-line limit comes down with it")
    func smallHeaderBlock() throws {
        let configuration = try parse(#"{"server": {"max_header_bytes": 4096}, "tenants": [\#(tenantJSON())]}"#)
        #expect(configuration.server.limits.maxHeaderBlockLength == 4096)
        #expect(configuration.server.limits.maxFieldLineLength == 4096)
    }

    @Test("given marketplace URLs, when parsed, then the connectors are pointed there, path prefix and port included")
    func marketplaceURLs() throws {
        let configuration = try parse("""
            {"marketplaces": {"wildberries": {"feedbacks_url": "http://127.0.0.1:9001", "chat_url": "https://chat.staging.example/wb"},
                              "ozon": {"seller_url": "http://stub:9003/ozon%2Fv/"}},
             "tenants": [\(tenantJSON())]}
            """)
        #expect(configuration.endpoints.wildberriesFeedbacks.absoluteString == "http://127.0.0.1:9001")
        #expect(configuration.endpoints.wildberriesChat.absoluteString == "https://chat.staging.example/wb")
        #expect(configuration.endpoints.ozonSeller.absoluteString == "http://stub:9003/ozon%2Fv/")
    }

    @Test("given a numeric or localhost listen host, when parsed, then it is kept", arguments: ["0.0.0.0", "::", "::1", "127.0.0.1", "localhost"])
    func listenHosts(host: String) throws {
        #expect(try parse("{\"listen\": {\"host\": \"\(host)\"}, \"tenants\": [\(tenantJSON())]}").server.host == host)
    }

    @Test("given a setting out of its range or of the wrong type, when parsed, then the error names that field",
          arguments: [
              (#"{"listen": {"host": "gateway.internal"}}"#, "listen.host", "numeric IPv4 or IPv6"),
              (#"{"listen": {"port": -1}}"#, "listen.port", "0 to 65535"),
              (#"{"listen": {"port": "8080"}}"#, "listen.port", "integer"),
              (#"{"listen": {"port": 80.5}}"#, "listen.port", "integer"),
              (#"{"server": {"loops": 0}}"#, "server.loops", "1 to 256"),
              (#"{"server": {"max_body_bytes": 67108865}}"#, "server.max_body_bytes", ""),
              (#"{"server": {"header_timeout_ms": 99}}"#, "server.header_timeout_ms", "100 to"),
              (#"{"server": {"timeout": 5}}"#, "server.timeout", "not a known setting"),
              (#"{"server": []}"#, "server", "must be an object"),
              (#"{"cursor_secret": "short"}"#, "cursor_secret", "at least 16"),
              (#"{"upstream_deadline_ms": 50}"#, "upstream_deadline_ms", "100 to 300000"),
              (#"{"drain_timeout_ms": 600001}"#, "drain_timeout_ms", ""),
              (#"{"drain_delay_ms": 300001}"#, "drain_delay_ms", ""),
              (#"{"drain_delay_ms": -1}"#, "drain_delay_ms", ""),
              (#"{"max_upstream_answer_bytes": 65536}"#, "max_upstream_answer_bytes", "1048576 to 68719476736"),
              (#"{"idempotency": {"capacity": 0}}"#, "idempotency.capacity", ""),
              (#"{"idempotency": {"lifetime_s": 604801}}"#, "idempotency.lifetime_s", ""),
              (#"{"idempotency": {"journal": ""}}"#, "idempotency.journal", "must name a file"),
              (#"{"idempotency": {"journal": "/var/lib/"}}"#, "idempotency.journal", "must name a file"),
              (#"{"idempotency": {"journal": 5}}"#, "idempotency.journal", "must be a string"),
              (#"{"marketplaces": {"ozon": {"seller_url": "ftp://ozon"}}}"#, "marketplaces.ozon.seller_url", "http or https"),
              (#"{"marketplaces": {"ozon": {"seller_url": "https://user:secret@api-seller.ozon.ru"}}}"#, "marketplaces.ozon.seller_url", "no user"),
              (#"{"marketplaces": {"wildberries": {"chat_url": "https://chat.example/?x=1"}}}"#, "marketplaces.wildberries.chat_url", "query"),
              (#"{"marketplaces": {"wildberries": {"feedbacks_url": "https://wb.example/#top"}}}"#, "marketplaces.wildberries.feedbacks_url", "fragment"),
              (#"{"marketplaces": {"ozon": {"seller_url": "http://127.0.0.1:85133"}}}"#, "marketplaces.ozon.seller_url", "1 to 65535"),
              (#"{"marketplaces": {"yandex": {}}}"#, "marketplaces.yandex", "not a known setting"),
              (#"{"marketplaces": {"ozon": {"seller_url": "http://127.0.0.1:1/x "}}}"#, "marketplaces.ozon.seller_url", "without spaces"),
              (#"{"marketplaces": {"ozon": {"seller_url": "http://127.0.0.1:1/p%zz"}}}"#, "marketplaces.ozon.seller_url", "% not followed by two hex digits"),
              (#"{"marketplaces": {"wildberries": {"chat_url": "http://127.0.0.1:1/p%2"}}}"#, "marketplaces.wildberries.chat_url", "% not followed"),
              (#"{"server": {"max_header_bytes": 4096, "max_field_line_bytes": 8192}}"#, "server.max_header_bytes", "at least max_field_line_bytes"),
              (#"{"server": {"max_field_line_bytes": 40000}}"#, "server.max_field_line_bytes", "at most max_header_bytes (32768, its default)"),
              (#"{"marketplaces": {"ozon": {"seller_url": "http://127.0.0.1:9223372036854775808"}}}"#, "marketplaces.ozon.seller_url", "1 to 65535"),
              (#"{"marketplaces": {"ozon": {"seller_url": "https://[::1]:99999999999999999999/x"}}}"#, "marketplaces.ozon.seller_url", "1 to 65535"),
              (#"{"marketplaces": {"wildberries": {"feedbacks_url": "http://127.0.0.1:"}}}"#, "marketplaces.wildberries.feedbacks_url", "no port after it"),
              (#"{"marketplaces": {"ozon": {"seller_url": "https://[::1]:/x"}}}"#, "marketplaces.ozon.seller_url", "no port after it"),
              (#"{"listen": {"port": null}}"#, "listen.port", "is null"),
              (#"{"server": null}"#, "server", "is null"),
              (#"{"listen": {"x\u001b[31mred": 1}}"#, "listen.x\\u001B[31mred", "not a known setting"),
          ])
    func invalidSetting(settings: String, field: String, message: String) {
        let json = String(settings.dropLast()) + ", \"tenants\": [\(tenantJSON())]}"
        expectError(json, field: field, containing: message)
    }

    @Test("given a bad tenant, when parsed, then the error names the tenant's field",
          arguments: [
              (#"{"id": "", "api_key_sha256": ["DIGEST"]}"#, "tenants[0].id", "1 to 64"),
              (#"{"id": "a b", "api_key_sha256": ["DIGEST"]}"#, "tenants[0].id", "must be 1 to 64 visible ASCII characters (no space or quote)"),
              (#"{"api_key_sha256": ["DIGEST"]}"#, "tenants[0].id", "is required"),
              (#"{"id": "acme"}"#, "tenants[0].api_key_sha256", "at least one"),
              (#"{"id": "acme", "api_key_sha256": ["acme-key"]}"#, "tenants[0].api_key_sha256[0]", "not the key"),
              (#"{"id": "acme", "api_key_sha256": ["DIGEST"], "rate_limit": {"rate": 0}}"#, "tenants[0].rate_limit.rate", ""),
              (#"{"id": "acme", "api_key_sha256": ["DIGEST"], "rate_limit": {"burst": 1000001}}"#, "tenants[0].rate_limit.burst", ""),
              (#"{"id": "acme", "api_key_sha256": ["DIGEST"], "credentials": {"ozon": {"client_id": "1"}}}"#, "tenants[0].credentials.ozon.api_key", "required"),
              (#"{"id": "acme", "api_key_sha256": ["DIGEST"], "credentials": {"wildberries": {"token": ""}}}"#, "tenants[0].credentials.wildberries.token", "required"),
              (#"{"id": "acme", "api_key_sha256": ["DIGEST"], "credentials": {"wildberries": {"token": "t", "key": "k"}}}"#, "tenants[0].credentials.wildberries.key", "not a known setting"),
              (#"{"id": "acme", "api_key_sha256": ["DIGEST"], "credentials": {"amazon": {}}}"#, "tenants[0].credentials.amazon", "not a known setting"),
              (#"{"id": "acme", "api_key_sha256": ["DIGEST", "DIGEST"]}"#, "tenants[0].api_key_sha256[1]", "listed twice"),
              (#"{"id": "acme", "api_key_sha256": ["DIGEST"], "credentials": {"wildberries": {"token": "wbtok\n"}}}"#, "tenants[0].credentials.wildberries.token", "line break"),
              (#"{"id": "acme", "api_key_sha256": ["DIGEST"], "credentials": {"wildberries": {"token": "   "}}}"#, "tenants[0].credentials.wildberries.token", "space"),
              (#"{"id": "acme", "api_key_sha256": ["DIGEST"], "credentials": {"ozon": {"client_id": "abc", "api_key": "k"}}}"#, "tenants[0].credentials.ozon.client_id", "numeric"),
              (#"{"id": "acme", "api_key_sha256": ["DIGEST"], "credentials": {"ozon": {"client_id": "1", "api_key": "k\tey"}}}"#, "tenants[0].credentials.ozon.api_key", "control character"),
              (#"{"id": "acme", "api_key_sha256": ["DIGEST"], "credentials": {"wildberries": {"token": "wbtok\u00a0"}}}"#, "tenants[0].credentials.wildberries.token", "beyond ASCII"),
              (#"{"id": "acme", "api_key_sha256": ["DIGEST"], "credentials": {"ozon": {"client_id": "1", "api_key": "“key”"}}}"#, "tenants[0].credentials.ozon.api_key", "beyond ASCII"),
              (#"{"id": "acme", "api_key_sha256": ["DIGEST"], "credentials": {"wildberries": null}}"#, "tenants[0].credentials.wildberries", "is null"),
              (#"{"id": "acme", "api_key_sha256": ["DIGEST", "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"]}"#,
               "tenants[0].api_key_sha256[1]", "empty key"),
              (#"{"id": "acme", "api_key_sha256": ["01ba4719c80b6fe911b091a7c05124b64eeece964e09c058ef8f9805daca546b"]}"#,
               "tenants[0].api_key_sha256[0]", "bare line break"),
              (#"{"id": "acme", "api_key_sha256": ["DIGEST", "C48A01F49FD0F2CC404BC3CBBC80E91457A3D41BB429A695243DE4C61794155C"]}"#,
               "tenants[0].api_key_sha256[1]", "demo-key, the demo's key"),
              (#"{"id": "acme", "api_key_sha256": ["DIGEST"], "rate_limit": {"rate": 2000000}}"#, "tenants[0].rate_limit.rate", "from 0.001 to 1000000"),
          ])
    func invalidTenant(tenant: String, field: String, message: String) {
        let json = "{\"tenants\": [\(tenant.replacingOccurrences(of: "DIGEST", with: Self.digest))]}"
        expectError(json, field: field, containing: message)
    }

    @Test("given an unknown member with a long name (a secret expanded into a key), then the error quotes at most 40 characters of it")
    func unknownLongKeyCut() {
        let key = "eyJhbGciOiJFUzI1NiJ9." + String(repeating: "S", count: 5_000)
        #expect {
            _ = try parse("{\"marketplaces\": {\"\(key)\": {}}}")
        } throws: { error in
            let message = "\(error)"
            return message.contains("is not a known setting") && message.contains("eyJhbGciOiJFUzI1NiJ9.SSS") && message.count < 300
        }
    }

    @Test("given two tenants, when they share an id or a key, then the second is refused, naming the first")
    func tenantsCollide() {
        let other = Hex.encode(SHA256.hash("other-key".utf8))
        expectError("{\"tenants\": [\(tenantJSON("acme")), \(tenantJSON("acme", digests: [other]))]}",
                    field: "tenants[1].id", containing: "used twice")
        expectError("{\"tenants\": [\(tenantJSON("acme")), \(tenantJSON("globex", digests: [other, Self.digest.uppercased()]))]}",
                    field: "tenants[1].api_key_sha256[1]", containing: "tenant \"acme\"")
    }

    @Test("given two tenants with their own keys, when parsed, then each key opens its own tenant")
    func tenantsApart() throws {
        let other = Hex.encode(SHA256.hash("other-key".utf8))
        let configuration = try parse("{\"tenants\": [\(tenantJSON("acme")), \(tenantJSON("globex", digests: [other]))]}")
        let directory = TenantDirectory(configuration.tenants)
        #expect(directory.authenticate(key: "acme-key")?.id == "acme")
        #expect(directory.authenticate(key: "other-key")?.id == "globex")
        #expect(directory.authenticate(key: "acme-key ") == nil)
    }

    @Test("given a file that is not a JSON object with tenants, when parsed, then the error says so",
          arguments: [
              ("", "", "not valid JSON"), ("[]", "", "must be an object"), ("{}", "tenants", "at least one"),
              (#"{"tenants": {}}"#, "tenants", "must be an array"), (#"{"tenants": null}"#, "tenants", "is null"), (#"{"tenant": []}"#, "tenant", "not a known setting"),
              (#"{"tenants": [], "tenants": []}"#, "tenants", "given twice"),
              (#"{"x\u001b[2J": 1, "x\u001b[2J": 2}"#, "x\\u001B[2J", "given twice"),
              (#"{"tenants": [{"id": "a", "rate_limit": {"rate": 1, "rate": 2}}]}"#, "tenants[0].rate_limit.rate", "given twice"),
          ])
    func notAConfiguration(json: String, field: String, message: String) {
        expectError(json, field: field, containing: message)
    }

    @Test("given a syntax error, when parsed, then it is placed by the file's line and column; on a line that referred to a variable, the column is said to be the expanded text's")
    func syntaxErrorPlace() {
        let file = "{\n  \"cursor_secret\": \"${CS}\",\n  \"listen\": {\"port\": 8080,}\n}\n"
        expectError(file, field: "", containing: "expected a string key on line 3, column 27", environment: ["CS": "0123456789abcdef-0123456789"])
        // CR LF line ends, and a byte order mark (which an editor does not count), place it the same
        let crlf = "{\r\n  \"cursor_secret\": \"0123456789abcdef-0123\",\r\n  \"x\": \"${CS}\",}\r\n"
        expectError(crlf, field: "", containing: "on line 3, column 38, once its ${VAR} are expanded",
                    environment: ["CS": "0123456789abcdef-0123456789"])
        expectError("\u{FEFF}{\n,}", field: "", containing: "on line 2, column 1")
        let expandedLine = "{\"cursor_secret\": \"${CS}\",}"
        expectError(expandedLine, field: "", containing: "on line 1, column 49, once its ${VAR} are expanded",
                    environment: ["CS": "0123456789abcdef-0123456789"])
    }

    @Test("given ${VAR} in the file, when parsed, then the environment's value is used, JSON-escaped")
    func environmentVariables() throws {
        let configuration = try parse("""
            {"cursor_secret": "${SECRET}", "listen": {"port": ${PORT}},
             "tenants": [\(tenantJSON(extra: #", "credentials": {"wildberries": {"token": "${TOKEN}"}}"#))]}
            """, environment: ["SECRET": "0123456789abcdef-secret", "PORT": "9090", "TOKEN": #"to"k\en"#])
        #expect(configuration.cursorSecret == Array("0123456789abcdef-secret".utf8))
        #expect(configuration.server.port == 9090)
        #expect(configuration.tenants[0].credentials[.wildberries]?["token"] == #"to"k\en"#)
        expectError("{\"cursor_secret\": \"${MISSING}\"}", field: "", containing: "MISSING is referenced on line 1 but not set")
    }
}

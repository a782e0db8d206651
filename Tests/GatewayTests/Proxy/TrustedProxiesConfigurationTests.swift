@testable import Gateway
import Testing

@Suite("trusted_proxies, public_rate_limit and failed_auth_limit in the configuration file")
struct TrustedProxiesConfigurationTests {
    func parse(_ proxies: String, extra: String = "") throws(ConfigurationError) -> GatewayConfiguration {
        let digest = String(repeating: "ab", count: 32)
        return try GatewayConfiguration.parse("""
            {"tenants": [{"id": "acme", "api_key_sha256": ["\(digest)"]}], "trusted_proxies": \(proxies)\(extra)}
            """, environment: [:])
    }

    @Test("IPv4 and IPv6 ranges and bare addresses are read in order")
    func readsRanges() throws {
        let configuration = try parse(#"["127.0.0.1/32", "10.0.0.0/8", "::1", "fd00::/8"]"#)
        #expect(configuration.trustedProxies.ranges.map(\.description) == ["127.0.0.1/32", "10.0.0.0/8", "::1/128", "fd00::/8"])
    }

    @Test("without the setting, or with an empty list, no proxy is trusted; null is refused as every null is")
    func defaultIsNone() throws {
        #expect(try parse("[]").trustedProxies.ranges.isEmpty)
        let digest = String(repeating: "ab", count: 32)
        #expect(try GatewayConfiguration.parse(#"{"tenants": [{"id": "acme", "api_key_sha256": ["\#(digest)"]}]}"#, environment: [:])
            .trustedProxies.ranges.isEmpty)
        #expect(throws: ConfigurationError("trusted_proxies", "is null: give it a value, or leave it out for its default")) { try parse("null") }
    }

    @Test("a bad entry names its field and says what is wrong",
          arguments: [
              (#"["10.0.0.0/8", "10.0.0.0/40"]"#, "trusted_proxies[1]", "0 to 32"),
              (#"["proxy.internal"]"#, "trusted_proxies[0]", "not an IPv4 or IPv6"),
              (#"[8]"#, "trusted_proxies[0]", "must be a string"),
              (#""10.0.0.0/8""#, "trusted_proxies", "must be an array"),
              (#"["::/0", "192.168.1.1/24"]"#, "trusted_proxies[1]", "the range is 192.168.1.0/24"),
          ])
    func invalid(proxies: String, field: String, message: String) {
        #expect {
            try parse(proxies)
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.field == field && error.problem.contains(message)
        }
    }

    @Test("public_rate_limit is off unless set, and read with its burst")
    func publicRateLimit() throws {
        #expect(try parse("[]").publicRateLimit == nil)
        #expect(try parse("[]", extra: #", "public_rate_limit": {"rate": 5, "burst": 20}"#).publicRateLimit == TenantRateLimit(rate: 5, burst: 20))
        #expect(try parse("[]", extra: #", "public_rate_limit": {"rate": 2.5}"#).publicRateLimit == TenantRateLimit(rate: 2.5, burst: 3))
    }

    @Test("a bad public_rate_limit names its field",
          arguments: [
              (#"{"burst": 5}"#, "public_rate_limit.rate"), (#"{"rate": 0}"#, "public_rate_limit.rate"),
              (#"{"rate": 1, "burst": 0}"#, "public_rate_limit.burst"), (#"{"rate": 1, "per": 1}"#, "public_rate_limit.per"),
          ])
    func invalidPublicRateLimit(limit: String, field: String) {
        #expect {
            try parse("[]", extra: ", \"public_rate_limit\": \(limit)")
        } throws: { error in
            (error as? ConfigurationError)?.field == field
        }
    }

    @Test("failed_auth_limit is off unless set, and read with its burst")
    func failedAuthLimit() throws {
        #expect(try parse("[]").failedAuthLimit == nil)
        #expect(try parse("[]", extra: #", "failed_auth_limit": {"rate": 0.2, "burst": 10}"#).failedAuthLimit == TenantRateLimit(rate: 0.2, burst: 10))
        #expect(try parse("[]", extra: #", "failed_auth_limit": {"rate": 0.2}"#).failedAuthLimit == TenantRateLimit(rate: 0.2, burst: 1))
    }

    @Test("a bad failed_auth_limit names its field",
          arguments: [
              (#"{"burst": 5}"#, "failed_auth_limit.rate"), (#"{"rate": -1}"#, "failed_auth_limit.rate"),
              (#"{"rate": 1, "burst": 2000000}"#, "failed_auth_limit.burst"), (#"{"rate": 1, "window": 60}"#, "failed_auth_limit.window"),
          ])
    func invalidFailedAuthLimit(limit: String, field: String) {
        #expect {
            try parse("[]", extra: ", \"failed_auth_limit\": \(limit)")
        } throws: { error in
            (error as? ConfigurationError)?.field == field
        }
    }
}

import Foundation
import Hashing
import Testing

/// A configuration serving real tenants warns, at check-config as at start-up, of the secrets
/// it leaves unset or weak; one that sets them is quiet.
@Suite("Warnings of unset or weak secrets")
struct SecretWarningsTests {
    private static let digest = Hex.encode(SHA256.hash("acme-key-0123456789abcdef".utf8))

    private func check(_ settings: String) throws -> (status: Int32, warnings: [String]) {
        let configuration = #"{"tenants": [{"id": "acme", "api_key_sha256": ["\#(Self.digest)"]}]\#(settings)}"#
        let result = try GatewayProcess.run(arguments: ["check-config", "--config", "/dev/stdin"], stdin: configuration)
        let warnings = result.stdout.split(separator: "\n").compactMap { line -> String? in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  object["event"] as? String == "warning" else { return nil }
            return object["message"] as? String
        }
        return (result.status, warnings)
    }

    @Test("given neither cursor_secret nor metrics_token, then both are warned of, and the file is still accepted")
    func unset() throws {
        let result = try check("")
        #expect(result.status == 0)
        #expect(result.warnings.contains { $0.hasPrefix("No cursor_secret:") }, "\(result.warnings)")
        #expect(result.warnings.contains { $0.hasPrefix("No metrics_token:") }, "\(result.warnings)")
    }

    @Test("given trusted_proxies taking in most of the internet, then check-config warns of it; a proxy subnet is not warned of",
          arguments: [("0.0.0.0/0", true), ("::/0", true), ("8.0.0.0/7", true), ("10.0.0.0/8", false), ("172.28.0.10/32", false), ("fd00::/16", false)])
    func broadTrustedProxies(range: String, warned: Bool) throws {
        let result = try check(#", "trusted_proxies": ["\#(range)"]"#)
        #expect(result.status == 0)
        #expect(result.warnings.contains { $0.hasPrefix("trusted_proxies \(range) takes in") } == warned, "\(result.warnings)")
    }

    @Test("given a cursor_secret under 32 bytes, then it is warned of with its length; given 32 and a metrics_token, nothing is")
    func weakAndStrong() throws {
        let weak = try check(#", "cursor_secret": "changeme12345678""#)
        #expect(weak.warnings.contains { $0.hasPrefix("cursor_secret has 16 bytes:") }, "\(weak.warnings)")
        let strong = try check(#", "cursor_secret": "\#(String(repeating: "k", count: 32))", "metrics_token": "metrics-0123456789abcdef""#)
        #expect(strong.status == 0)
        #expect(strong.warnings.isEmpty, "\(strong.warnings)")
    }
}

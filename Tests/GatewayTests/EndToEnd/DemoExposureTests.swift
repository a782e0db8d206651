import Foundation
import Hashing
import Testing

/// Demo mode serves a key everyone knows, so it listens beyond this machine only when asked to
/// with `GATEWAY_DEMO=1`: a deployment that lost its `GATEWAY_CONFIG` must not come up as a
/// healthy demo on the image's `0.0.0.0`.
@Suite("Demo mode beyond loopback")
struct DemoExposureTests {
    @Test("given no configuration and HOST=0.0.0.0 (as the image sets it), when serve starts, then it exits 2 naming GATEWAY_DEMO, having served nothing",
          .timeLimit(.minutes(1)))
    func refusedWithoutOptIn() throws {
        // when
        let result = try GatewayProcess.run(arguments: [], environment: ["HOST": "0.0.0.0"], limit: .seconds(20))
        // then
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("GATEWAY_DEMO=1"), "\(result.stderr)")
        #expect(result.stderr.contains("0.0.0.0"), "\(result.stderr)")
        #expect(!result.stdout.contains("\"event\":\"start\""), "\(result.stdout)")
    }

    @Test("given GATEWAY_DEMO set to anything but 1, then serve exits 2 saying what it must be", arguments: ["true", "0", ""])
    func refusedForAnotherValue(value: String) throws {
        let result = try GatewayProcess.run(arguments: [], environment: ["GATEWAY_DEMO": value, "HOST": "127.0.0.1"], limit: .seconds(20))
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("GATEWAY_DEMO must be 1"), "\(result.stderr)")
    }

    @Test("given GATEWAY_DEMO and a configuration file, then serve and check-config exit 2 rather than pick one",
          arguments: [("serve", "1"), ("check-config", "1"), ("serve", "0"), ("check-config", "0")])
    func refusedBesideAConfiguration(command: String, value: String) throws {
        let digest = Hex.encode(SHA256.hash("acme-0123456789abcdef".utf8))
        let configuration = #"{"tenants": [{"id": "acme", "api_key_sha256": ["\#(digest)"]}]}"#
        let result = try GatewayProcess.run(arguments: [command, "--config", "/dev/stdin"], environment: ["GATEWAY_DEMO": value],
                                            stdin: configuration, limit: .seconds(20))
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(value == "1" ? "GATEWAY_DEMO=1 asks for demo mode" : "GATEWAY_DEMO must be 1"), "\(result.stderr)")
        #expect(!result.stdout.contains("\"event\":\"start\"") && !result.stdout.contains("config_ok"), "\(result.stdout)")
    }

    @Test("given no configuration and HOST :: (IPv6's every interface), then serve exits 2 as for 0.0.0.0")
    func ipv6Wildcard() throws {
        let refused = try GatewayProcess.run(arguments: [], environment: ["HOST": "::"], limit: .seconds(20))
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("GATEWAY_DEMO=1"), "\(refused.stderr)")
    }

    @Test("given GATEWAY_DEMO=1 and every interface, then the demo starts and warns that the known demo key is reachable from elsewhere",
          .timeLimit(.minutes(1)))
    func optedInWarns() async throws {
        let gateway = try GatewayProcess(environment: ["HOST": "0.0.0.0", "GATEWAY_DEMO": "1"])
        for _ in 0..<250 where !gateway.stdout.contains("\"event\":\"warning\"") { try await Task.sleep(for: .milliseconds(20)) }
        #expect(gateway.stdout.contains("\"event\":\"warning\""))
        #expect(gateway.stdout.contains("GATEWAY_CONFIG"))
        // and the start line's example asks this machine, not the wildcard address
        for _ in 0..<250 where !gateway.stdout.contains("\"event\":\"start\"") { try await Task.sleep(for: .milliseconds(20)) }
        #expect(gateway.stdout.contains("http://127.0.0.1:\(gateway.port)/connectors"), "\(gateway.stdout)")
        gateway.signal(SIGTERM)
        #expect(await gateway.waitForExit() == 0)
    }
}

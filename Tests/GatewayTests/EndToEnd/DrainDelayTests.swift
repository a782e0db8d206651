import Foundation
import Glibc
import Hashing
import Testing

@Suite("The drain's delay: readiness fails first, the listeners close later")
struct DrainDelayTests {
    @Test("given drain_delay_ms, when SIGINT comes, then the drain starts at once: no delay", .timeLimit(.minutes(1)))
    func interruptDrainsAtOnce() async throws {
        let file = try Self.configuration(delayMilliseconds: 60_000)
        defer { try? FileManager.default.removeItem(at: file) }
        let gateway = try GatewayProcess(arguments: ["--config", file.path])
        gateway.signal(SIGINT)
        #expect(await gateway.waitForExit() == 0)
        #expect(!gateway.stdout.contains("delay_ms"), "\(gateway.stdout)")
    }

    private static let key = "acme-0123456789abcdef"

    /// A configuration file on loopback with `drain_delay_ms`; the caller removes it.
    private static func configuration(delayMilliseconds: Int) throws -> URL {
        let config = """
            {"listen": {"host": "127.0.0.1", "port": 0}, "drain_delay_ms": \(delayMilliseconds),
             "tenants": [{"id": "acme", "api_key_sha256": ["\(Hex.encode(SHA256.hash(key.utf8)))"]}]}
            """
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-\(UUID()).json")
        try config.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test("given drain_delay_ms, when SIGTERM comes, then during the delay new connections are still taken and answered, /readyz with 503 and /healthz with 200",
          .timeLimit(.minutes(1)))
    func readinessFailsBeforeTheListenersClose() async throws {
        // given: a delay longer than any stall of a busy machine, so the listeners are still open
        // whenever the calls below come
        let key = Self.key
        let file = try Self.configuration(delayMilliseconds: 120_000)
        defer { try? FileManager.default.removeItem(at: file) }
        let gateway = try GatewayProcess(arguments: ["--config", file.path])
        #expect(try await GatewayClient.send("GET", port: gateway.port, "/readyz", key: nil).status == 200)
        // when
        gateway.signal(SIGTERM)
        // then: each call on a new connection, as a load balancer's probe and its clients come
        var readiness = 200
        for _ in 0..<250 where readiness == 200 {
            readiness = try await GatewayClient.send("GET", port: gateway.port, "/readyz", key: nil).status
            if readiness == 200 { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(readiness == 503)
        #expect(try await GatewayClient.send("GET", port: gateway.port, "/healthz", key: nil).status == 200)
        #expect(try await GatewayClient.send("GET", port: gateway.port, "/connectors", key: key).status == 200)
        // an operator who will not wait: a second signal ends it at once
        gateway.signal(SIGINT)
        #expect(await gateway.waitForExit() == 1)
        #expect(gateway.stdout.contains(#""delay_ms":120000"#), "\(gateway.stdout)")
    }

    @Test("given a short drain_delay_ms, when SIGTERM comes, then after the delay the gateway drains and exits 0", .timeLimit(.minutes(1)))
    func delayEndsInTheDrain() async throws {
        let file = try Self.configuration(delayMilliseconds: 500)
        defer { try? FileManager.default.removeItem(at: file) }
        let gateway = try GatewayProcess(arguments: ["--config", file.path])
        gateway.signal(SIGTERM)
        #expect(await gateway.waitForExit() == 0)
        #expect(gateway.stdout.contains(#""delay_ms":500"#), "\(gateway.stdout)")
        #expect(gateway.stdout.contains(#""event":"stopped""#), "\(gateway.stdout)")
    }
}

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

    @Test("given drain_delay_ms, when SIGTERM comes, then new connections are still taken and answered, /readyz with 503 and /healthz with 200, and after the delay the gateway drains and exits 0",
          .timeLimit(.minutes(1)))
    func readinessFailsBeforeTheListenersClose() async throws {
        // given
        let key = Self.key
        let file = try Self.configuration(delayMilliseconds: 6000)
        defer { try? FileManager.default.removeItem(at: file) }
        let gateway = try GatewayProcess(arguments: ["--config", file.path])
        #expect(try await GatewayClient.send("GET", port: gateway.port, "/readyz", key: nil).status == 200)
        // when
        gateway.signal(SIGTERM)
        let signalled = ContinuousClock.now
        // then: each call on a new connection, as a load balancer's probe and its clients come
        var readiness = 200
        for _ in 0..<250 where readiness == 200 {
            readiness = try await GatewayClient.send("GET", port: gateway.port, "/readyz", key: nil).status
            if readiness == 200 { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(readiness == 503)
        #expect(try await GatewayClient.send("GET", port: gateway.port, "/healthz", key: nil).status == 200)
        #expect(try await GatewayClient.send("GET", port: gateway.port, "/connectors", key: key).status == 200)
        #expect(await gateway.waitForExit() == 0)
        // a lower bound only, which a busy machine cannot break: the delay was waited out
        #expect(ContinuousClock.now - signalled >= .seconds(6))
        #expect(gateway.stdout.contains(#""delay_ms":6000"#), "\(gateway.stdout)")
    }
}

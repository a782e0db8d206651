@testable import Server
import HTTP
import Testing

@Suite("HTTPServer: connections capped by the descriptor limit")
struct HTTPServerConnectionLimitTests {
    @Test("given a descriptor limit, then the connections keep a quarter of it (64 to 4,096) for everything else",
          arguments: [
              (10_000, 1_048_576, 10_000),  // a container's usual limit: as configured
              (10_000, 65_536, 10_000),
              (10_000, 16_384, 10_000),
              (10_000, 8_192, 6_144),
              (10_000, 1_024, 768),         // a shell's default soft limit
              (10_000, 128, 64),
              (50, 1_024, 50),              // fewer configured than the limit allows
              (10_000, 40, 1),              // hopeless, but the server still starts
          ])
    func capped(configured: Int, descriptors: Int, expected: Int) {
        #expect(HTTPServer.connectionLimit(configured: configured, descriptors: descriptors) == expected)
    }

    @Test("given no descriptor limit, then the configured maximum stands")
    func unlimited() {
        #expect(HTTPServer.connectionLimit(configured: 10_000, descriptors: nil) == 10_000)
    }

    @Test("given a descriptor limit, then a drain takes in queued connections past the cap by half the descriptors the cap leaves spare; with none, by a listen queue's default length",
          arguments: [
              (10_000, 65_536, 27_768),
              (768, 1_024, 128),            // capped: half the reserve, the rest for upstream calls
              (2, 100, 49),
              (1, 40, 19),
          ] as [(Int, Int?, Int)] + [(10_000, nil, 4_096)])
    func drainAllowance(maximum: Int, descriptors: Int?, expected: Int) {
        #expect(HTTPServer.drainAllowance(maximum: maximum, descriptors: descriptors) == expected)
    }

    @Test("given a server, then it reports the cap it applies, never above the configured maximum")
    func reported() {
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.maxConnections = 5
        let server = HTTPServer(configuration: configuration, responder: ClosureResponder { _, _ in HTTPResponse(status: .ok) })
        #expect(server.maxConnections == 5)
    }
}

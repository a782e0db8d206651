import Foundation
import Glibc
import Testing

/// The binary with a stdout nobody reads (a stuck logging driver, a full disk behind `tee`): its
/// drain and exit must not wait on that reader.
@Suite("connector-gateway with a stalled stdout", .serialized)
struct StalledStdoutTests {
    @Test("given a stdout pipe that filled because nobody reads it, when SIGTERM comes, then the gateway drains and exits 0 all the same",
          .timeLimit(.minutes(2)))
    func drainsPastAStalledReader() async throws {
        // given: the demo gateway, its stdout no longer read, and enough requests to fill the pipe
        let gateway = try GatewayProcess()
        gateway.stopReadingStdout()
        // (each request's access-log line is ~310 bytes with this id; a pipe holds 64 KiB, which
        // 500 lines fill more than twice over: more only stretch the test on a starved machine)
        let padding = String(repeating: "p", count: 100)
        for index in 0..<500 {
            _ = try await GatewayClient.send("GET", port: gateway.port, "/connectors", headers: ["X-Request-ID": "fill-\(index)-\(padding)"])
        }
        // when
        gateway.signal(SIGTERM)
        // then: the drain, the log's few seconds of patience, and exit 0
        #expect(await gateway.waitForExit(limit: .seconds(40)) == 0)
    }
}

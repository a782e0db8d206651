import Glibc
import HTTP
@testable import Server
import Synchronization
import Testing

/// A cancelled call says whether its request may have reached the server: a write that never
/// went out must not be taken for one the marketplace may have applied.
@Suite("HTTP client: cancellation before and after sending", .timeLimit(.minutes(1)))
struct HTTPClientCancellationTests {
    @Test("given the only connection busy, when a write waiting for it is cancelled, then it ends as cancelled unsent and never reaches the server")
    func queuedWriteCancelledUnsent() async throws {
        // given: one connection, held by a call the server does not answer yet
        let release = Atomic<Bool>(false)
        let upstream = ScriptedUpstream { peer in
            while peer.readRequest() != nil {
                while !release.load(ordering: .relaxed) { usleep(5_000) }
                peer.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            }
            peer.close()
        }
        defer { upstream.stop() }
        let client = HTTPClient(host: "127.0.0.1", port: upstream.port, configuration: .init(maxConnections: 1))
        async let first = client.execute(HTTPClientTests.getRequest(), timeout: .seconds(30))
        #expect(await eventually { upstream.requests.count == 1 })
        // when: a write queued behind it is cancelled
        let write = Task { try await client.execute(HTTPClientTests.post(#"{"text":"hi"}"#), timeout: .seconds(30)) }
        #expect(await eventuallyAwaiting { await client.waitingOnSharedLoop() == 1 })
        write.cancel()
        // then
        await #expect(throws: HTTPClientError.cancelledUnsent) { try await write.value }
        release.store(true, ordering: .relaxed)
        #expect(HTTPClientTests.text(try await first) == "ok")
        #expect(upstream.requests.count == 1)
    }

    @Test("given a task cancelled before it calls, then the call ends as cancelled unsent without connecting")
    func cancelledBeforeTheCall() async throws {
        let upstream = ScriptedUpstream(HTTPClientTests.answering("ok"))
        defer { upstream.stop() }
        let client = HTTPClient(host: "127.0.0.1", port: upstream.port)
        let call = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.execute(HTTPClientTests.post("{}"), timeout: .seconds(30))
        }
        await #expect(throws: HTTPClientError.cancelledUnsent) { try await call.value }
        #expect(upstream.connectionCount == 0)
    }
}

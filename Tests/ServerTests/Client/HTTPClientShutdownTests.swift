import Glibc
import HTTP
@testable import Server
import Synchronization
import Testing

/// `HTTPClient` calls on a server's loop when the server stops: cancelled, their connections
/// closed, and none started after the loop closed its clients.
@Suite("HTTP client at server shutdown", .timeLimit(.minutes(1)))
struct HTTPClientShutdownTests {
    @Test("given a handler waiting on an upstream when the server's grace period ends, then the call is cancelled and its upstream connection closed")
    func shutdownClosesUpstreamConnections() async throws {
        let upstreamClosed = Counter()
        let upstream = ScriptedUpstream.silent(closes: upstreamClosed)
        defer { upstream.stop() }
        let client = HTTPClient(host: "127.0.0.1", port: upstream.port)
        let seen = CallOutcome()
        let server = try TestServer { _, _ in
            do {
                _ = try await client.execute(HTTPClientTests.getRequest(), timeout: .seconds(30))
                seen.outcome.withLock { $0 = "answered" }
            } catch {
                seen.outcome.withLock { $0 = "\(error)" }
            }
            return HTTPResponse(status: .ok)
        }
        try await onDedicatedThread {
            let connection = try server.connect()
            try connection.send(get("/proxy"))
            #expect(await eventually { upstream.requests.count == 1 })
            await server.stop(gracePeriod: .milliseconds(100))
            connection.close()
        }
        #expect(seen.outcome.withLock { $0 } == "\(HTTPClientError.cancelled)")
        #expect(await eventually { upstreamClosed.current == 1 })
    }

    @Test("given a task on the loop that is not cancelled with its handler, when it starts an upstream call after the grace period ended, then the call ends as cancelled and nothing is sent")
    func callAfterShutdownIsRefused() async throws {
        let upstream = ScriptedUpstream(HTTPClientTests.answering("{}"))
        defer { upstream.stop() }
        let client = HTTPClient(host: "127.0.0.1", port: upstream.port)
        let seen = CallOutcome()
        let server = try TestServer { _, _ in
            // As a keyed write does: the work runs in a task of its own on this loop, which the
            // handler's cancellation does not reach, and it calls after a wait (a rate budget's).
            let work = Task(executorPreference: LoopExecutor.current) {
                while !seen.handlerCancelled.load(ordering: .relaxed) { try? await Task.sleep(for: .milliseconds(5)) }
                try? await Task.sleep(for: .milliseconds(30))
                do {
                    _ = try await client.execute(HTTPClientTests.getRequest(), timeout: .seconds(30))
                    seen.outcome.withLock { $0 = "answered" }
                } catch {
                    seen.outcome.withLock { $0 = "\(error)" }
                }
            }
            await withTaskCancellationHandler {
                await work.value
            } onCancel: {
                seen.handlerCancelled.store(true, ordering: .relaxed)
            }
            return HTTPResponse(status: .ok)
        }
        try await onDedicatedThread {
            let connection = try server.connect()
            try connection.send(get("/write"))
            await server.stop(gracePeriod: .milliseconds(50))
            connection.close()
        }
        let wasCancelled = seen.handlerCancelled.load(ordering: .relaxed)
        #expect(wasCancelled)
        #expect(seen.outcome.withLock { $0 } == "\(HTTPClientError.cancelled)")
        #expect(upstream.requests.isEmpty)
    }

    /// What a handler's call saw: whether the handler was cancelled, and how the call ended.
    private final class CallOutcome: Sendable {
        let handlerCancelled = Atomic<Bool>(false)
        let outcome = Mutex<String?>(nil)
    }
}

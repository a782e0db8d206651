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

    @Test("given one upstream connection allowed, busy with a call, and a second call waiting for it when the grace period ends, then the first ends as cancelled and the second as not sent")
    func waitingCallEndsNotSent() async throws {
        let upstream = ScriptedUpstream.silent(closes: Counter())
        defer { upstream.stop() }
        let client = HTTPClient(host: "127.0.0.1", port: upstream.port, configuration: HTTPClient.Configuration(maxConnections: 1))
        let outcomes = Outcomes()
        let serverLoop = Mutex<LoopBound<EventLoop>?>(nil)
        // One loop: each loop keeps its own connections to a host.
        let server = try TestServer({ $0.loopCount = 1 }) { request, _ in
            let path = request.path
            serverLoop.withLock { $0 = EventLoop.current }
            // As a keyed write does: in a task of its own, which the handler's cancellation at the
            // grace period's end does not reach; the loop's shutdown ends its call.
            await Task(executorPreference: LoopExecutor.current) {
                do {
                    _ = try await client.execute(HTTPClientTests.getRequest(path), timeout: .seconds(30))
                    outcomes.map.withLock { $0[path] = "answered" }
                } catch {
                    outcomes.map.withLock { $0[path] = "\(error)" }
                }
            }.value
            return HTTPResponse(status: .ok)
        }
        try await onDedicatedThread {
            let first = try server.connect()
            try first.send(get("/first"))
            #expect(await eventually { upstream.requests.count == 1 })
            let second = try server.connect()
            try second.send(get("/second"))
            // the second call is in line behind the first on the loop's one connection
            let loop = try #require(serverLoop.withLock { $0 })
            #expect(await eventuallyAwaiting { await client.waiting(on: loop) == 1 })
            await server.stop(gracePeriod: .milliseconds(100))
            first.close()
            second.close()
        }
        #expect(outcomes.map.withLock { $0["/first"] } == "\(HTTPClientError.cancelled)")
        #expect(outcomes.map.withLock { $0["/second"] } == "\(HTTPClientError.shutDown)")
        #expect(upstream.requests.count == 1)
    }

    @Test("given a task on the loop that is not cancelled with its handler, when it starts an upstream call after the grace period ended, then the call ends as not sent, and nothing is sent")
    func callAfterShutdownIsRefused() async throws {
        // given: an upstream that would answer, and a handler whose work outlives its cancellation
        let upstream = ScriptedUpstream(HTTPClientTests.answering("{}"))
        defer { upstream.stop() }
        let client = HTTPClient(host: "127.0.0.1", port: upstream.port)
        let seen = CallOutcome()
        let server = try TestServer { _, _ in
            seen.arrived.store(true, ordering: .relaxed)
            // As a keyed write does: the work runs in a task of its own on this loop, which the
            // handler's cancellation does not reach, and it calls after a wait (here, for that
            // cancellation: the task is queued on the loop as the grace period ends, and runs as
            // the loop winds down, after it closed its clients).
            let work = Task(executorPreference: LoopExecutor.current) {
                await seen.handlerCancelled.wait()
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
                seen.handlerCancelled.open()
            }
            return HTTPResponse(status: .ok)
        }
        try await onDedicatedThread {
            let connection = try server.connect()
            try connection.send(get("/write"))
            // when: the server stops with a short grace period, once the handler runs (before, the
            // drain would close the connection with nothing under way)
            #expect(await eventually { seen.arrived.load(ordering: .relaxed) })
            await server.stop(gracePeriod: .milliseconds(50))
            connection.close()
        }
        // then: the handler was cancelled, and its work's call refused without reaching upstream,
        // saying so (a keyed write must not be kept as "may have applied")
        #expect(seen.handlerCancelled.isOpen)
        #expect(seen.outcome.withLock { $0 } == "\(HTTPClientError.shutDown)")
        #expect(upstream.requests.isEmpty)
    }

    /// How each path's call ended.
    private final class Outcomes: Sendable {
        let map = Mutex<[String: String]>([:])
    }

    /// What a handler's call saw: whether the handler ran and was cancelled, and how the call ended.
    private final class CallOutcome: Sendable {
        let arrived = Atomic<Bool>(false)
        /// Opened when the handler is cancelled.
        let handlerCancelled = Gate()
        let outcome = Mutex<String?>(nil)
    }
}

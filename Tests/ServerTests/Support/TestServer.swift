import HTTP
import Server
import Synchronization
import Testing

typealias Handler = @Sendable (HTTPRequest, RequestContext) async throws -> HTTPResponse

/// An `HTTPServer` on 127.0.0.1 with port 0, started at once; `stop()` it at the end (or use
/// `withServer`, which always does).
final class TestServer: Sendable {
    let server: HTTPServer

    init(_ configure: (inout ServerConfiguration) -> Void = { _ in }, handler: @escaping Handler) throws {
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.loopCount = 2
        configure(&configuration)
        server = HTTPServer(configuration: configuration, responder: ClosureResponder(handler))
        try server.start()
    }

    var port: Int { server.port }
    var openConnections: Int { server.openConnections }

    /// A new client connected to this server.
    func connect(receiveBufferSize: Int32? = nil) throws -> TestClient {
        try TestClient(port: port, receiveBufferSize: receiveBufferSize)
    }

    func stop(gracePeriod: Duration = .seconds(2)) async {
        await server.stop(gracePeriod: gracePeriod)
    }

    func stop(deadline: ContinuousClock.Instant) async {
        await server.stop(deadline: deadline)
    }

    /// Waits (bounded) until the server holds no connection; false if it still does after `timeout`.
    func waitUntilNoConnections(timeout: Duration = .seconds(10)) async -> Bool {
        await eventually(timeout: timeout) { self.openConnections == 0 }
    }
}

/// Runs `body` with a started server and stops the server afterwards, also when `body` throws.
/// `body` runs on a dedicated thread (see `onDedicatedThread`), so it may block.
func withServer(
    _ configure: (inout ServerConfiguration) -> Void = { _ in },
    handler: @escaping Handler,
    _ body: (TestServer) async throws -> Void
) async throws {
    try await onDedicatedThread {
        let server = try TestServer(configure, handler: handler)
        do {
            try await body(server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}

/// Polls `condition` every few milliseconds until it holds or `timeout` passes (a deadlock guard,
/// not a timing assertion). Returns whether it held.
func eventually(timeout: Duration = .seconds(10), _ condition: @Sendable () -> Bool) async -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return condition()
}

// MARK: - Handlers

enum Handlers {
    /// 200 with the request path as body.
    static let echoPath: Handler = { request, _ in
        HTTPResponse(status: .ok, headers: ["Content-Type": "text/plain"], body: Array(request.path.utf8))
    }

    /// 200 with the request body as body.
    static let echoBody: Handler = { request, _ in
        HTTPResponse(status: .ok, headers: ["Content-Type": "application/octet-stream"], body: Array(request.body))
    }

    /// 200 "ok".
    static let ok: Handler = { _, _ in
        HTTPResponse(status: .ok, contentType: "text/plain", text: "ok")
    }
}

// MARK: - Synchronisation helpers

/// A thread-safe counter.
final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    @discardableResult
    func increment() -> Int { value.wrappingAdd(1, ordering: .relaxed).newValue }
    var current: Int { value.load(ordering: .relaxed) }
}

/// A thread-safe list of values.
final class Recorder<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])
    func append(_ value: Value) { values.withLock { $0.append(value) } }
    var all: [Value] { values.withLock { $0 } }
}

/// Handlers wait on it until the test opens it.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let openAlready = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if openAlready { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

// MARK: - Expectations shared by the suites

/// An RFC 9457 problem response the server generated: status, media type, `"status":<code>`,
/// a `type` under `/problems/`, a well-formed Date and (by default) `Connection: close`.
func expectProblem(_ response: TestResponse, status: Int, closes: Bool = true,
                   sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(response.status == status, "\(response.statusLine)", sourceLocation: sourceLocation)
    #expect(response[header: "Content-Type"] == "application/problem+json", sourceLocation: sourceLocation)
    #expect(response.text.contains("\"status\":\(status)"), "\(response.text)", sourceLocation: sourceLocation)
    #expect(problemType(response.text)?.hasPrefix("/problems/") == true, "\(response.text)", sourceLocation: sourceLocation)
    #expect(isIMFFixdate(response[header: "Date"]), sourceLocation: sourceLocation)
    if closes {
        #expect(response[header: "Connection"]?.lowercased() == "close", sourceLocation: sourceLocation)
    } else {
        #expect(response[header: "Connection"] == nil, sourceLocation: sourceLocation)
    }
}

/// The `type` member of a problem document (a flat JSON object), if any.
func problemType(_ json: String) -> String? {
    guard let range = json.firstRange(of: "\"type\":\"") else { return nil }
    let rest = json[range.upperBound...]
    guard let end = rest.firstIndex(of: "\"") else { return nil }
    return String(rest[..<end])
}

/// True for an IMF-fixdate such as `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110 §5.6.7).
func isIMFFixdate(_ value: String?) -> Bool {
    guard let value else { return false }
    let pattern = #/(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-3][0-9] (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-2][0-9]:[0-5][0-9]:[0-6][0-9] GMT/#
    return value.wholeMatch(of: pattern) != nil
}

import Server

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

    /// What the server's loops are doing now (see `ServerActivity`).
    func activity() async -> ServerActivity { await server.activity() }

    /// A new client connected to this server.
    func connect(receiveBufferSize: Int32? = nil) throws -> TestClient {
        try TestClient(port: port, receiveBufferSize: receiveBufferSize)
    }

    /// Connects and sends `text` within `limit`, for tests whose header timeout, running from the
    /// accept, is `limit`: an attempt that took longer (a busy machine) may have been closed
    /// unanswered, so it is made again, up to five times; nil when none made it.
    func connect(sending text: String, within limit: Duration, receiveBufferSize: Int32? = nil) throws -> TestClient? {
        // A busy machine can stall one attempt past the limit; five in a row are not expected.
        for _ in 0..<5 {
            let began = ContinuousClock.now
            let client = try connect(receiveBufferSize: receiveBufferSize)
            try client.send(text)
            if ContinuousClock.now - began < limit { return client }
        }
        return nil
    }

    func stop(gracePeriod: Duration = .seconds(2)) async {
        await server.stop(gracePeriod: gracePeriod)
    }

    func stop(deadline: ContinuousClock.Instant) async {
        await server.stop(deadline: deadline)
    }

    /// Waits (bounded) until the server holds no connection; false if it still does after `timeout`.
    func waitUntilNoConnections(timeout: Duration = .seconds(60)) async -> Bool {
        await eventually(timeout: timeout) { self.openConnections == 0 }
    }
}

import Server

/// An `HTTPServer` on a loopback address of its own (`127.x.y.z`) with port 0, started at once;
/// `stop()` it at the end (or use `withServer`, which always does).
///
/// Its own address, not 127.0.0.1: tests run side by side, and the kernel can give a server the
/// port another test's server just closed, whose straggling client would then connect to this
/// one, and be counted among its connections. Clients connect from 127.0.0.1, so a client of a
/// stopped server cannot connect to itself on the server's port either.
final class TestServer: Sendable {
    let server: HTTPServer
    /// The address it listens on, `127.x.y.z`.
    let host: String

    init(_ configure: (inout ServerConfiguration) -> Void = { _ in }, handler: @escaping Handler) throws {
        host = "127.\(Int.random(in: 16...250)).\(Int.random(in: 1...250)).\(Int.random(in: 2...250))"
        var configuration = ServerConfiguration(host: host, port: 0)
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
        try TestClient(port: port, host: host, receiveBufferSize: receiveBufferSize)
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

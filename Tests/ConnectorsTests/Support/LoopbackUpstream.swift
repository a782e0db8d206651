import Foundation
import HTTP
import Server

/// An upstream on 127.0.0.1 (our own `HTTPServer`, one loop) answering with a test's handler,
/// and remembering every request it was handed, with the connection it came on.
final class LoopbackUpstream: Sendable {
    typealias Handler = @Sendable (HTTPRequest, RequestContext) async throws -> HTTPResponse

    struct Received: Sendable {
        var method: String
        var target: String
        var headers: [(name: String, value: String)]
        var body: [UInt8]
        var connectionID: UInt64

        func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
    }

    private let server: HTTPServer
    private let log: Recorder<Received>

    /// The requests seen so far, in arrival order (recorded before the handler runs).
    var received: [Received] { log.entries }

    var baseURL: URL { URL(string: "http://127.0.0.1:\(server.port)")! }

    init(_ handler: @escaping Handler) throws {
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.loopCount = 1
        let log = Recorder<Received>()
        self.log = log
        server = HTTPServer(configuration: configuration, responder: ClosureResponder { request, context in
            log.append(Received(method: request.method.rawValue, target: request.target,
                                headers: request.headers.map { (name: $0.name, value: $0.value) },
                                body: Array(request.body), connectionID: context.connectionID))
            return try await handler(request, context)
        })
        try server.start()
    }

    /// Returns once `count` requests have arrived.
    func waitForRequests(_ count: Int) async {
        await log.waitFor(count)
    }

    func stop() async {
        await server.stop(gracePeriod: .milliseconds(500))
    }
}

/// Runs `body` against a started loopback upstream and always stops it afterwards.
func withLoopbackUpstream(_ handler: @escaping LoopbackUpstream.Handler,
                          _ body: (LoopbackUpstream) async throws -> Void) async throws {
    let upstream = try LoopbackUpstream(handler)
    do {
        try await body(upstream)
    } catch {
        await upstream.stop()
        throw error
    }
    await upstream.stop()
}

import Foundation
import HTTP
import Server

/// Serves a `SimulatedHost` on loopback with our own HTTP server, applying the faults queued in
/// `faults` and recording every request in `log`.
public final class SimulatorServer: Sendable {
    /// The host answering the requests.
    public let host: any SimulatedHost
    /// Faults to apply to the next requests, before the host sees them.
    public let faults = FaultInjector()
    /// Every request received, with the status answered (nil for a reset).
    public let log = RequestLog()
    private let server: HTTPServer

    /// Binds to `port` on 127.0.0.1 (0: any free port) once `start()` is called.
    public init(host: any SimulatedHost, port: Int = 0, loops: Int = 1) {
        self.host = host
        var configuration = ServerConfiguration(host: "127.0.0.1", port: port)
        configuration.loopCount = loops
        configuration.limits.maxBodyLength = 40 * 1024 * 1024
        let faults = self.faults
        let log = self.log
        server = HTTPServer(configuration: configuration, responder: ClosureResponder { request, _ in
            let simulated = SimulatorRequest(request)
            let fault = faults.take(for: simulated.path)
            var response: HTTPResponse
            switch fault {
            case .connectionReset:
                log.record(.init(method: simulated.method, path: simulated.path, status: nil))
                throw ConnectionAbort()
            case .appliedThenReset:
                _ = await host.handle(simulated)
                log.record(.init(method: simulated.method, path: simulated.path, status: nil))
                throw ConnectionAbort()
            case .rateLimited, .serverError, .maintenance:
                response = host.faultResponse(fault!)
            case .latency(let delay):
                try? await Task.sleep(for: delay)
                response = await host.handle(simulated)
            case .truncatedBody:
                response = await host.handle(simulated)
                response.body = Array(response.body.prefix(response.body.count / 2))
            case .answer(let status, let json):
                response = SimulatorResponse.text(json, status: status, contentType: "application/json")
            case .malformedBody:
                response = SimulatorResponse.text("<html><body><h1>502 Bad Gateway</h1></body></html>", status: 200,
                                                  contentType: "text/html")
            case nil:
                response = await host.handle(simulated)
            }
            log.record(.init(method: simulated.method, path: simulated.path, status: response.status.code))
            return response
        })
    }

    /// Binds and starts serving; throws when the port cannot be bound.
    public func start() throws {
        try server.start()
    }

    /// The port listened on; 0 before `start()`.
    public var port: Int { server.port }

    /// `http://127.0.0.1:<port>`, for pointing a connector at this simulator.
    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// Stops serving, giving requests in flight a second to finish.
    public func stop() async {
        await server.stop(gracePeriod: .seconds(1))
    }
}

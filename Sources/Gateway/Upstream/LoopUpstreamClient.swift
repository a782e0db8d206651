import Connectors
import Foundation
import HTTP
import Server

/// `UpstreamClient` for a plain-`http` upstream (the demo's simulators, a staging stub, a
/// TLS-originating sidecar) over the server's own `HTTPClient`: the call runs on the event loop
/// of the request that makes it, with no thread hop, where URLSession would take several.
public final class LoopUpstreamClient: UpstreamClient {
    /// `name:port` as `URL.upstreamHost` gives it, for breakers and reports.
    public let host: String
    private let client: HTTPClient
    /// The base URL's path without its trailing slash, percent-encoded as the URL has it.
    private let basePath: [UInt8]
    /// A loop's connections to the host: calls past them would wait in its pool.
    public let connectionLimit: Int?

    /// Nil unless `baseURL` is an `http` URL with a host and a port that is one (1…65535).
    /// `answers`: shared with the other clients, the ceiling on answer bytes held at once.
    public init?(baseURL: URL, maxConnections: Int, answers: BodyBudget? = nil) {
        let port = baseURL.port ?? 80
        guard baseURL.scheme?.lowercased() == "http", let name = baseURL.host, !name.isEmpty, (1...65535).contains(port),
              let components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false)
        else { return nil }
        host = baseURL.upstreamHost
        connectionLimit = max(1, maxConnections)
        client = HTTPClient(host: name, port: port, configuration: HTTPClient.Configuration(maxConnections: maxConnections, answerBudget: answers))
        var path = components.percentEncodedPath
        if path.hasSuffix("/") { path.removeLast() }
        basePath = Array(path.utf8)
    }

    /// Served by the event loop of the calling thread when it is one (a request handler's), else
    /// by the shared client loop; `HTTPClient`'s failures become the transport errors
    /// `UpstreamCaller` judges retries by.
    public func send(_ request: UpstreamRequest, timeout: Duration) async throws(UpstreamTransportError) -> UpstreamResponse {
        var target = basePath
        request.appendTarget(to: &target)
        // Copied through the bytes `Data` lends: `[UInt8](data)` walks its generic iterator.
        let body = request.body ?? []
        let call = HTTPClientRequest(method: request.method, target: target, headers: request.headers,
                                     body: body, isIdempotent: request.safety == .idempotent)
        let response: HTTPClientResponse
        do {
            response = try await client.execute(call, timeout: timeout)
        } catch {
            throw Self.transportError(error)
        }
        var answer = UpstreamResponse(status: response.status, fields: response.headers, body: response.body)
        answer.lease = response.lease
        return answer
    }

    static func transportError(_ error: HTTPClientError) -> UpstreamTransportError {
        switch error {
        case .connectFailed(let reason): .connectionRefused(reason)
        case .localFailure(let reason): .localFailure(reason)
        case .connectTimedOut: .connectTimedOut
        case .invalidRequest(let reason): .unsendable(reason)
        case .connectionLost(let reason): .connectionLost(reason)
        case .responseTooLarge(let limit): .responseTooLarge(limit: limit)
        case .overBudget(let limit): .overBudget(limit: limit)
        case .unreadableResponse(let status, let reason): .unreadableResponse(status: status, reason)
        case .timedOut: .timedOut
        case .notSent(let reason): .notSent(reason)
        case .shutDown: .shutDown
        case .cancelled: .cancelled
        case .cancelledUnsent: .cancelledUnsent
        }
    }
}

import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `UpstreamClient` over FoundationNetworking's URLSession: one session per client, so
/// connections to the host are kept alive and reused across calls. Each request gets its own
/// timeout; cancelling the calling task cancels the data task.
public final class URLSessionUpstreamClient: UpstreamClient {
    public let baseURL: URL
    public let host: String
    private let session: URLSession

    public init(baseURL: URL, maxConnections: Int = 8) {
        self.baseURL = baseURL
        host = baseURL.host ?? baseURL.absoluteString
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = maxConnections
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        session = URLSession(configuration: configuration)
    }

    deinit {
        session.finishTasksAndInvalidate()
    }

    public func send(_ request: UpstreamRequest, timeout: Duration) async throws(UpstreamTransportError) -> UpstreamResponse {
        let urlRequest = makeURLRequest(request, timeout: timeout)
        let box = TaskBox()
        let result: Result<UpstreamResponse, UpstreamTransportError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let task = session.dataTask(with: urlRequest) { data, response, error in
                    continuation.resume(returning: Self.result(data: data, response: response, error: error))
                }
                box.start(task)
            }
        } onCancel: {
            box.cancel()
        }
        return try result.get()
    }

    private func makeURLRequest(_ request: UpstreamRequest, timeout: Duration) -> URLRequest {
        var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false)!
        components.path = (components.path.hasSuffix("/") ? String(components.path.dropLast()) : components.path) + request.path
        if !request.query.isEmpty {
            components.queryItems = request.query.map { URLQueryItem(name: $0.name, value: $0.value) }
            // URLComponents leaves "+" alone, which servers read as a space.
            components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        }
        var urlRequest = URLRequest(url: components.url!)
        urlRequest.httpMethod = request.method
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        urlRequest.timeoutInterval = max(0.001, seconds)
        for (name, value) in request.headers { urlRequest.addValue(value, forHTTPHeaderField: name) }
        urlRequest.httpBody = request.body
        return urlRequest
    }

    private static func result(data: Data?, response: URLResponse?, error: (any Error)?) -> Result<UpstreamResponse, UpstreamTransportError> {
        if let error {
            let nsError = error as NSError
            switch (nsError.domain, nsError.code) {
            case (NSURLErrorDomain, NSURLErrorCancelled):
                return .failure(.cancelled)
            case (NSURLErrorDomain, NSURLErrorTimedOut):
                return .failure(.timedOut)
            case (NSURLErrorDomain, NSURLErrorCannotConnectToHost), (NSURLErrorDomain, NSURLErrorCannotFindHost),
                 (NSURLErrorDomain, NSURLErrorDNSLookupFailed), (NSURLErrorDomain, NSURLErrorNotConnectedToInternet):
                return .failure(.connectionRefused(nsError.localizedDescription))
            default:
                return .failure(.connectionLost(nsError.localizedDescription))
            }
        }
        guard let http = response as? HTTPURLResponse else {
            return .failure(.connectionLost("no HTTP response"))
        }
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        return .success(UpstreamResponse(status: http.statusCode, headers: headers, body: data ?? Data()))
    }
}

/// Hands the data task from the continuation to the cancellation handler, which may run first.
private final class TaskBox: Sendable {
    private let state = Mutex<(task: URLSessionDataTask?, cancelled: Bool)>((nil, false))

    func start(_ task: URLSessionDataTask) {
        let cancelled = state.withLock { state in
            state.task = task
            return state.cancelled
        }
        if cancelled { task.cancel() }
        task.resume()
    }

    func cancel() {
        let task = state.withLock { state in
            state.cancelled = true
            return state.task
        }
        task?.cancel()
    }
}

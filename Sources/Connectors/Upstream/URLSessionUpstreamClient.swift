import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTP

/// `UpstreamClient` over (Foundation)URLSession: one session per client, so connections to the
/// host are kept alive and reused across reads. A write goes out on a session of its own, that
/// is on a new connection: when a kept-alive connection turns out dead under a request, the
/// HTTP library under FoundationNetworking sends the request again on a new one, by itself and
/// after the request's timeout has already said "may have applied it", so a reply could reach
/// the marketplace twice. Each request gets its own timeout, kept to the
/// millisecond by `TimeoutScheduler` (FoundationNetworking's own timer counts whole seconds only
/// and serves as a backstop); cancelling the calling task cancels the data task. Redirects are not
/// followed: they would carry the tenant's credentials to wherever the `Location` points.
public final class URLSessionUpstreamClient: UpstreamClient {
    /// Where requests go: each request's path and query are appended to this URL's path.
    public let baseURL: URL
    /// The base URL's host, with its port when the URL names one (`127.0.0.1:8081`).
    public let host: String
    /// `scheme://authority` and the base URL's path without its trailing slash, percent-encoded
    /// as the base URL has it: each request's encoded path and query are appended to it.
    private let prefix: String
    private let session: URLSession
    private let receiver: UpstreamSessionDelegate
    private let configuration: URLSessionConfiguration
    /// Answers larger than this are cut off and fail the call (`responseTooLarge`), as the
    /// gateway's own client does: a marketplace answer is a page, never megabytes, and one
    /// that is would be held in memory whole and then read on an event loop.
    public let maxResponseBytes: Int
    /// Shared with other clients: the bytes of answers that may be held at once, from their
    /// first byte until they are decoded.
    public let answers: BodyBudget?
    /// The session's connections to the host (`httpMaximumConnectionsPerHost`): reads past them
    /// would wait inside the session.
    public let connectionLimit: Int?

    /// A client of `baseURL` keeping up to `maxConnections` connections to its host for reads,
    /// and refusing answers over `maxResponseBytes`, or past the `answers` ceiling.
    public init(baseURL: URL, maxConnections: Int = 8, maxResponseBytes: Int = 64 << 20, answers: BodyBudget? = nil) {
        self.maxResponseBytes = maxResponseBytes
        self.answers = answers
        connectionLimit = max(1, maxConnections)
        self.baseURL = baseURL
        host = baseURL.upstreamHost
        if var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false) {
            var basePath = components.percentEncodedPath
            if basePath.hasSuffix("/") { basePath.removeLast() }
            components.percentEncodedPath = ""
            components.percentEncodedQuery = nil
            components.percentEncodedFragment = nil
            prefix = (components.string ?? "") + basePath
        } else {
            prefix = ""
        }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = max(1, maxConnections)
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        // Not only policy: with any other policy FoundationNetworking turns every header line of
        // every answer into a String and splits it, looking for cookies it would then drop.
        configuration.httpCookieAcceptPolicy = .never
        self.configuration = configuration
        receiver = UpstreamSessionDelegate(maxResponseBytes: maxResponseBytes, answers: answers)
        session = URLSession(configuration: configuration, delegate: receiver, delegateQueue: nil)
    }

    deinit {
        session.finishTasksAndInvalidate()
    }

    /// Does, on the calling thread, what FoundationNetworking does once per process when it makes
    /// its first session: libcurl's and OpenSSL's global set-up, which reads OpenSSL's
    /// configuration file, and the look-up of the executable's bundle. Called at start-up when an
    /// upstream is reached over https; otherwise the first tenant's first call does that disk I/O
    /// on the event loop that builds the tenant's session, holding every connection on it.
    public static func prepareProcess() {
        URLSession(configuration: .ephemeral).invalidateAndCancel()
    }

    /// Sends `request` and waits for the whole answer or `timeout` (see `UpstreamClient.send`);
    /// a write goes on a connection of its own (see the type).
    public func send(_ request: UpstreamRequest, timeout: Duration) async throws(UpstreamTransportError) -> UpstreamResponse {
        if Task.isCancelled { throw .cancelledUnsent }
        guard timeout > .zero else { throw .timedOut }
        guard let urlRequest = makeURLRequest(request, timeout: timeout) else {
            throw .unsendable("cannot build a URL for \(request.path)")
        }
        // Whichever ends the call first decides: the answer, the timeout (on the scheduler's
        // thread) or the caller's cancellation; the other two find it over and do nothing.
        let call = UpstreamCall()
        let ownSession = request.safety == .nonIdempotent
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                call.start(continuation, timeout: timeout) { finish in
                    // A write's session is made with its task and told at once to end when the
                    // task does: `make` runs only if the call was not over before it started,
                    // and may run after `send` returned, so nothing else may touch that session.
                    let receiver = ownSession ? UpstreamSessionDelegate(maxResponseBytes: self.maxResponseBytes, answers: self.answers) : self.receiver
                    let session = ownSession ? URLSession(configuration: self.configuration, delegate: receiver, delegateQueue: nil) : self.session
                    let task = session.dataTask(with: urlRequest)
                    receiver.track(task, finish: finish)
                    if ownSession { session.finishTasksAndInvalidate() }
                    return task
                }
            }
        } onCancel: {
            call.finish(.failure(.cancelled))
        }
        return try result.get()
    }

    func makeURLRequest(_ request: UpstreamRequest, timeout: Duration) -> URLRequest? {
        guard !prefix.isEmpty else { return nil }
        var text = Array(prefix.utf8)
        request.appendTarget(to: &text)
        guard let url = URL(string: String(decoding: text, as: UTF8.self)) else { return nil }
        var urlRequest = URLRequest(url: url)
        urlRequest.httpMethod = request.method
        // Whole seconds, rounded up, plus one: the backstop must never fire before our timer.
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        urlRequest.timeoutInterval = seconds.rounded(.up) + 1
        // Set as one dictionary: `addValue` searches the fields already set through NSString
        // comparisons, which cost more than the rest of building the request.
        urlRequest.allHTTPHeaderFields = Self.fields(request.headers)
        urlRequest.httpBody = request.body.map { Data($0) }
        return urlRequest
    }

    /// Header fields by name, as `addValue` would leave them: a name given twice (in any case)
    /// keeps its first spelling and the values joined with ", ".
    static func fields(_ headers: [(name: String, value: String)]) -> [String: String] {
        var fields: [String: String] = [:]
        fields.reserveCapacity(headers.count)
        for (name, value) in headers {
            if let existing = fields.keys.first(where: { Self.sameName($0, name) }) {
                fields[existing]! += ", " + value
            } else {
                fields[name] = value
            }
        }
        return fields
    }

    private static func sameName(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && zip(a.utf8, b.utf8).allSatisfy { x, y in
            x == y || (x | 0x20 == y | 0x20 && (x | 0x20) >= UInt8(ascii: "a") && (x | 0x20) <= UInt8(ascii: "z"))
        }
    }

    static func result(data: Data?, response: URLResponse?, error: (any Error)?) -> Result<UpstreamResponse, UpstreamTransportError> {
        if let error {
            let nsError = error as NSError
            let reason = "\(nsError.domain) \(nsError.code)"
            guard nsError.domain == NSURLErrorDomain else { return .failure(.connectionLost(reason)) }
            switch nsError.code {
            case NSURLErrorCancelled:
                return .failure(.cancelled)
            case NSURLErrorTimedOut:
                return .failure(.timedOut)
            case NSURLErrorBadURL, NSURLErrorUnsupportedURL:
                // The gateway's own request, not the host's failure: nothing was sent, and it
                // would fail the same way again (no retry, and the circuit is not charged).
                return .failure(.unsendable(Self.describe(nsError.code, fallback: reason)))
            case NSURLErrorCannotConnectToHost, NSURLErrorCannotFindHost, NSURLErrorDNSLookupFailed,
                 NSURLErrorNotConnectedToInternet,
                 NSURLErrorSecureConnectionFailed, NSURLErrorServerCertificateUntrusted,
                 NSURLErrorServerCertificateHasBadDate, NSURLErrorServerCertificateNotYetValid,
                 NSURLErrorServerCertificateHasUnknownRoot, NSURLErrorClientCertificateRejected,
                 NSURLErrorClientCertificateRequired:
                // Nothing of the request reached the upstream.
                return .failure(.connectionRefused(Self.describe(nsError.code, fallback: reason)))
            default:
                if let handshake = Self.handshakeFailure(nsError) { return .failure(.connectionRefused(handshake)) }
                return .failure(.connectionLost(Self.describe(nsError.code, fallback: reason)))
            }
        }
        guard let http = response as? HTTPURLResponse else {
            return .failure(.connectionLost("no HTTP response"))
        }
        let fields = http.allHeaderFields.compactMap { name, value in
            (name as? String).map { (name: $0, value: value as? String ?? "\(value)") }
        }
        return .success(UpstreamResponse(status: http.statusCode, fields: fields, body: data ?? Data()))
    }

    /// The library under FoundationNetworking reports a failed TLS handshake (an untrusted or
    /// mismatched certificate) as an unknown error with its own text: no byte of the request
    /// went out then, so a write may go again. Errors while reading or writing on an established
    /// connection (`SSL_read`, `SSL_write`) are not handshakes.
    static func handshakeFailure(_ error: NSError) -> String? {
        guard error.code == NSURLErrorUnknown, let text = error.userInfo[NSLocalizedDescriptionKey] as? String else { return nil }
        let lower = text.lowercased()
        guard !lower.contains("ssl_read"), !lower.contains("ssl_write"),
              lower.contains("certificate") || lower.contains("ssl_connect") || lower.contains("ssl connect")
                || lower.contains("handshake") else { return nil }
        return "TLS handshake failed: \(text.prefix(120))"
    }

    /// A short, stable reason for logs; the URL (which may carry a query) is left out.
    private static func describe(_ code: Int, fallback: String) -> String {
        switch code {
        case NSURLErrorCannotConnectToHost: "connection refused"
        case NSURLErrorCannotFindHost, NSURLErrorDNSLookupFailed: "host not found"
        case NSURLErrorNotConnectedToInternet: "network unreachable"
        case NSURLErrorBadURL, NSURLErrorUnsupportedURL: "bad URL"
        case NSURLErrorSecureConnectionFailed, NSURLErrorServerCertificateUntrusted, NSURLErrorServerCertificateHasBadDate,
             NSURLErrorServerCertificateNotYetValid, NSURLErrorServerCertificateHasUnknownRoot,
             NSURLErrorClientCertificateRejected, NSURLErrorClientCertificateRequired: "TLS handshake failed"
        case NSURLErrorNetworkConnectionLost: "connection lost"
        case NSURLErrorBadServerResponse, NSURLErrorZeroByteResource, NSURLErrorCannotParseResponse: "no valid HTTP response"
        default: fallback
        }
    }
}

/// Sends one request to one upstream host and returns whatever HTTP response comes back, with no
/// retries, no rate limiting and no interpretation of the status: that is `UpstreamCaller`'s job.
/// Implementations keep connections alive between calls and abandon the request when the calling
/// task is cancelled.
public protocol UpstreamClient: Sendable {
    /// The host this client talks to, e.g. `feedbacks-api.wildberries.ru`: circuit breakers are per host.
    var host: String { get }

    /// Sends `request` once and returns the response whatever its status. `timeout` bounds the
    /// whole attempt, waiting for a connection included. The `UpstreamTransportError` case says
    /// whether the request can have reached the upstream, which decides if a write may be retried.
    func send(_ request: UpstreamRequest, timeout: Duration) async throws(UpstreamTransportError) -> UpstreamResponse

    /// The calls this client sends at once without queueing any for a connection; nil for no
    /// limit. `UpstreamCaller` holds its calls back beyond it (`ConnectionPermits`).
    var connectionLimit: Int? { get }
}

extension UpstreamClient {
    /// No limit: every call goes out when sent.
    public var connectionLimit: Int? { nil }
}

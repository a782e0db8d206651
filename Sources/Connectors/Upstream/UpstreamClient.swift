/// Sends one request to one upstream host and returns whatever HTTP response comes back, with no
/// retries, no rate limiting and no interpretation of the status: that is `UpstreamCaller`'s job.
/// Implementations keep connections alive between calls and abandon the request when the calling
/// task is cancelled.
public protocol UpstreamClient: Sendable {
    /// The host this client talks to, e.g. `feedbacks-api.wildberries.ru`: circuit breakers are per host.
    var host: String { get }

    func send(_ request: UpstreamRequest, timeout: Duration) async throws(UpstreamTransportError) -> UpstreamResponse
}

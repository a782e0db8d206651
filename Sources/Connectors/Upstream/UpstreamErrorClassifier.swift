/// A marketplace's reading of its own error answers: which responses are failures and what they
/// mean (Ozon's 404 with code 5 is bad credentials, a Wildberries "Технический перерыв" body is a
/// maintenance window). `UpstreamCaller` decides about retries from the `ConnectorError` returned.
public protocol UpstreamErrorClassifier: Sendable {
    /// nil when `response` is a success for `request`; otherwise the error the caller should see.
    /// Rate-limit and unavailability errors carry the upstream's announced wait when it sent one.
    func classify(_ response: UpstreamResponse, for request: UpstreamRequest) -> ConnectorError?
}

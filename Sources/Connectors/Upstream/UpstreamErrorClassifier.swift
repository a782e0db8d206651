/// A marketplace's reading of its own error answers: which responses are failures and what they
/// mean (Ozon's 404 with code 5 is bad credentials, a Wildberries "Технический перерыв" body is a
/// maintenance window). `UpstreamCaller` decides about retries from the `ConnectorError` returned.
public protocol UpstreamErrorClassifier: Sendable {
    /// nil when `response` is a success for `request`; otherwise the error the caller should see.
    /// Rate-limit and unavailability errors carry the upstream's announced wait when it sent one.
    func classify(_ response: UpstreamResponse, for request: UpstreamRequest) -> ConnectorError?
    /// Whether `response` (a 5xx) is the marketplace's own word that it did not act on the
    /// request, such as its maintenance page: only then is a write that got one sent again. A
    /// bare 503 says no such thing (RFC 9110), and a proxy may give one after passing a write on.
    func saysNotApplied(_ response: UpstreamResponse) -> Bool
    /// Whether `response` refuses this one operation for a while and says nothing of the host
    /// (Ozon's per-method "Circle is open"): the caller is told to come back, and the host's
    /// circuit, which every other operation on it shares, counts it as the host answering.
    func blocksOperationOnly(_ response: UpstreamResponse) -> Bool
    /// Whether `response` announces an unavailability that outlasts any one request (a
    /// maintenance window, a method blocked for a minute): it is not asked again within the call,
    /// whatever the deadline leaves, and the caller is told when to come back.
    func outlastsTheRequest(_ response: UpstreamResponse) -> Bool
}

extension UpstreamErrorClassifier {
    /// Default: no 5xx is taken as the marketplace's word that it did not act.
    public func saysNotApplied(_ response: UpstreamResponse) -> Bool { false }
    /// Default: every unavailability counts against the host's circuit.
    public func blocksOperationOnly(_ response: UpstreamResponse) -> Bool { false }
    /// Default: an unavailability may be over by the next attempt.
    public func outlastsTheRequest(_ response: UpstreamResponse) -> Bool { false }
}

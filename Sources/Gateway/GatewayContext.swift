import Connectors
import Server

/// What the middleware chain learns about one request as it passes through: who asked, which
/// route matched, which tenant it is, how many upstream calls it cost. One per request, used by
/// one task only; middleware further out (the access log) reads what inner ones recorded.
public final class GatewayContext {
    /// The request id echoed in `X-Request-ID` and carried by every problem document.
    public var requestID: String
    /// The client sent the metrics token as its id: kept (see `RequestIDMiddleware`), but the
    /// access log writes it `[redacted]`.
    public var requestIDUnlogged = false
    /// The request id as the access log writes it.
    var loggedRequestID: String { requestIDUnlogged ? AccessLogMiddleware.redacted : requestID }
    /// Where the request came from, as the server saw it.
    public let connection: RequestContext
    /// The client's IP address as text: the TCP peer's, or the one a trusted reverse proxy
    /// reported in `X-Forwarded-For` (`ClientAddressMiddleware`); nil when the peer is unknown.
    /// The peer's is written out only when asked for (by the access log, after the response).
    public var clientAddress: String? {
        get {
            if let reported { return reported }
            return connection.remoteAddress.map { IPAddress($0).description }
        }
        set { reported = newValue }
    }
    private var reported: String?
    /// The matched route's template, or nil before routing (and for unknown paths).
    public var route: RoutePattern?
    /// What the matched route's `{parameters}` captured, percent-decoded; empty before routing.
    public var parameters = RouteParameters()
    /// Whether the matched route needs a tenant (unknown paths need none: they are 404 for all).
    public var access: RouteAccess = .public
    /// What answers the request once the middleware has run: the route's handler, or the
    /// router's 404/405/OPTIONS answer.
    var endpoint: GatewayHandler?
    /// The request's `If-Match` names entity tags and not `*`: on a tenant route, whose
    /// resources have no tags, it cannot hold, and the handler refuses with 412 once it knows the
    /// request is one it would carry out (RFC 9110 §13.1.1, §13.2.1).
    public var ifMatchNamesOnlyTags = false
    /// The authenticated tenant, once authentication has run.
    public var tenant: Tenant?
    /// Counts the upstream calls made for this request; bound as the task-local counter while
    /// the request is handled.
    public let upstreamCounter = UpstreamCallCounter()
    /// Upstream calls made for this request so far (retries included), for the access log.
    public var upstreamCalls: Int { upstreamCounter.count }
    /// Response header fields middleware wants on whatever response goes out (rate-limit fields).
    public var responseHeaders: [(String, String)] = []
    /// Set when this request spent the tenant's last allowance (`RateLimit` says `r=0`): how long
    /// until it has another. A problem's `Retry-After` names no earlier time, or the retry it
    /// invites would be refused (RateLimit draft: `Retry-After` no earlier than the reset).
    public var tenantAllowanceBackIn: Duration?
    /// When the gateway began handling the request (its head and body read).
    public let receivedAt: ContinuousClock.Instant

    /// The request's time so far, as metrics and logs report it: from when it began to arrive,
    /// reading its head and body included (as nginx's `$request_time`), the same clock refused and
    /// abandoned requests are timed by; from `receivedAt` for a request made in-process.
    public var elapsed: Duration { connection.elapsed ?? (ContinuousClock.now - receivedAt) }
    /// Where counters of this request go (set by `MetricsMiddleware`; nil when none records).
    public var metrics: GatewayMetrics?

    /// The context of one request; `GatewayResponder` makes it, tests make their own.
    /// `RequestIDMiddleware` sets the final request id.
    public init(requestID: String = "", connection: RequestContext = RequestContext(), receivedAt: ContinuousClock.Instant = .now) {
        self.requestID = requestID
        self.connection = connection
        self.receivedAt = receivedAt
    }
}

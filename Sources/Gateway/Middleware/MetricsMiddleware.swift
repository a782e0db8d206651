import HTTP
import Server

/// Counts every request by route pattern, method and status class with its latency, and the
/// upstream attempts it made by marketplace, channel and outcome. Inner middleware and handlers
/// reach the same metrics through the context (rate-limit refusals, idempotent replays).
public struct MetricsMiddleware: Middleware {
    /// The registry `/metrics` renders.
    public let metrics: GatewayMetrics

    /// Counts into `metrics`.
    public init(metrics: GatewayMetrics) {
        self.metrics = metrics
    }

    /// Part of the chain (see `Middleware`).
    public func handle(_ request: HTTPRequest, context: GatewayContext, next: GatewayHandler) async throws -> HTTPResponse {
        context.metrics = metrics
        let response = try await next(request, context)
        let elapsed = context.elapsed
        let method = Self.label(request.method)
        let metrics = metrics
        let status = Task.isCancelled && !context.connection.isCutShortByDrain ? AccessLogMiddleware.clientClosed : response.status.code
        // Counted once the response is on its way (on a loop thread; at once on any other).
        OutputDeferral.afterOutput {
            metrics.recordRequest(route: context.route?.description ?? "unmatched", method: method, status: status,
                                  seconds: Self.seconds(elapsed))
            let reports = context.upstreamCounter.reports
            if !reports.isEmpty {
                // Only a registered connector calls upstream, so these name a closed set.
                let channel = context.parameters["channel"] ?? "unknown"
                for report in reports {
                    metrics.recordUpstream(marketplace: report.marketplace.rawValue, channel: channel, outcome: report.outcome.rawValue,
                                           attempt: report.attempt, seconds: Self.seconds(report.duration))
                }
            }
        }
        return response
    }

    /// The `method` label: the standard methods by name, every other token as `other`, since
    /// unbounded method tokens must not become unbounded series.
    static func label(_ method: HTTPMethod) -> String {
        switch method {
        case .get, .head, .post, .put, .delete, .patch, .options: method.rawValue
        default: "other"
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

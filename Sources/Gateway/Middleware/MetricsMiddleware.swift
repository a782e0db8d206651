import HTTP

/// Counts every request by route pattern, method and final status, and its latency.
public struct MetricsMiddleware: Middleware {
    public let metrics: GatewayMetrics

    public init(metrics: GatewayMetrics) {
        self.metrics = metrics
    }

    public func handle(_ request: HTTPRequest, context: GatewayContext, next: GatewayHandler) async throws -> HTTPResponse {
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - context.receivedAt
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let method: String = switch request.method {
        case .get, .head, .post, .put, .delete, .patch, .options: request.method.rawValue
        default: "other"  // unbounded method tokens must not become unbounded series
        }
        metrics.record(route: context.route?.description ?? "unmatched", method: method, status: response.status.code,
                       seconds: seconds, upstreamCalls: context.upstreamCalls)
        return response
    }
}

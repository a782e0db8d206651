import Foundation
import HTTP

/// One JSON line per request: time, request id, tenant, method, route pattern (never the raw
/// path with its ids), status, duration, response bytes and upstream calls. Keys, credentials
/// and bodies are never logged.
public struct AccessLogMiddleware: Middleware {
    public let sink: LogSink

    public init(sink: LogSink) {
        self.sink = sink
    }

    public func handle(_ request: HTTPRequest, context: GatewayContext, next: GatewayHandler) async throws -> HTTPResponse {
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - context.receivedAt
        let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        let entry: [String: Any] = [
            "time": Self.timestamp(),
            "request_id": context.requestID,
            "tenant": context.tenant?.id ?? NSNull(),
            "method": String(request.method.rawValue.prefix(32)),
            "route": context.route?.description ?? NSNull(),
            "status": response.status.code,
            "duration_us": micros,
            "bytes": response.body.count,
            "upstream_calls": context.upstreamCalls,
        ]
        if let data = try? JSONSerialization.data(withJSONObject: entry, options: [.sortedKeys, .withoutEscapingSlashes]) {
            sink.write(String(decoding: data, as: UTF8.self))
        }
        return response
    }

    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var time = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &time)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(time.tm_year) + 1900, Int(time.tm_mon) + 1,
                      Int(time.tm_mday), Int(time.tm_hour), Int(time.tm_min), Int(time.tm_sec), Int(now.tv_nsec / 1_000_000))
    }
}

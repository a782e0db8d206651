import Glibc
import HTTP

/// One JSON line per request: time, request id, client address (behind a trusted proxy, the one
/// it reports), connection id (shared by the requests of one keep-alive connection), tenant,
/// method, route pattern (never the raw path with its ids), status, duration, response bytes and
/// upstream calls. Keys, credentials and bodies are never logged.
public struct AccessLogMiddleware: Middleware {
    public let sink: LogSink

    public init(sink: LogSink) {
        self.sink = sink
    }

    public func handle(_ request: HTTPRequest, context: GatewayContext, next: GatewayHandler) async throws -> HTTPResponse {
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - context.receivedAt
        let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        sink.write(Self.line(requestID: context.requestID, client: context.clientAddress,
                             connection: context.connection.remoteAddress == nil ? nil : context.connection.connectionID,
                             tenant: context.tenant?.id, method: String(request.method.rawValue.prefix(32)),
                             route: context.route?.description, status: response.status.code, durationMicros: Int(micros),
                             bytes: response.body.count, upstreamCalls: context.upstreamCalls))
        return response
    }

    /// One access-log line. Also written for requests the server refuses before routing, which
    /// have no method, route or tenant.
    static func line(requestID: String, client: String?, connection: UInt64?, tenant: String?, method: String?,
                     route: String?, status: Int, durationMicros: Int?, bytes: Int, upstreamCalls: Int) -> String {
        var line = JSONObjectWriter(capacity: 320)
        line.string("time", Self.timestamp())
        line.string("request_id", requestID)
        line.string("client", client)
        line.int("connection", connection.map { Int(truncatingIfNeeded: $0) })
        line.string("tenant", tenant)
        line.string("method", method)
        line.string("route", route)
        line.int("status", status)
        line.int("duration_us", durationMicros)
        line.int("bytes", bytes)
        line.int("upstream_calls", upstreamCalls)
        return String(decoding: line.finish(), as: UTF8.self)
    }

    /// Now as `YYYY-MM-DDTHH:MM:SS.mmmZ`, without Foundation's formatters.
    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var time = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &time)
        var bytes = [UInt8](repeating: UInt8(ascii: "0"), count: 24)
        func put(_ value: Int, at offset: Int, width: Int) {
            var value = value
            for index in stride(from: offset + width - 1, through: offset, by: -1) {
                bytes[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(Int(time.tm_year) + 1900, at: 0, width: 4)
        bytes[4] = UInt8(ascii: "-")
        put(Int(time.tm_mon) + 1, at: 5, width: 2)
        bytes[7] = UInt8(ascii: "-")
        put(Int(time.tm_mday), at: 8, width: 2)
        bytes[10] = UInt8(ascii: "T")
        put(Int(time.tm_hour), at: 11, width: 2)
        bytes[13] = UInt8(ascii: ":")
        put(Int(time.tm_min), at: 14, width: 2)
        bytes[16] = UInt8(ascii: ":")
        put(Int(time.tm_sec), at: 17, width: 2)
        bytes[19] = UInt8(ascii: ".")
        put(Int(now.tv_nsec / 1_000_000), at: 20, width: 3)
        bytes[23] = UInt8(ascii: "Z")
        return String(decoding: bytes, as: UTF8.self)
    }
}

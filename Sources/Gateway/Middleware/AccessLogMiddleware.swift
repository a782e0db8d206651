import Connectors
import Glibc
import Hashing
import HTTP
import Server

/// One JSON line per request: time, request id, client address (behind a trusted proxy, the one
/// it reports), connection id (shared by the requests of one keep-alive connection), tenant,
/// method, route pattern (never the raw path with its ids), status, duration, response bytes and
/// upstream calls. Keys, credentials and bodies are never logged (a method that is a secret the
/// gateway holds, sent there by a confused client, is logged `[redacted]`). A request whose connection
/// closed before its response could go out (the server cancels its task) is logged with status
/// `clientClosed`, as nginx does: the 504 its cancelled upstream call produced was never sent,
/// and counting it would raise upstream-timeout alarms for a client that gave up. A request cut
/// short by the end of a drain is cancelled too, but its answer is sent, and logged as such.
public struct AccessLogMiddleware: Middleware {
    /// The status logged and counted for a response nobody received.
    public static let clientClosed = 499

    /// Where the lines go (stdout in the gateway).
    public let sink: LogSink
    /// The SHA-256 of every secret the gateway holds (tenant keys, the metrics token, marketplace
    /// credentials): a method that is one is not logged as sent.
    private let secretDigests: Set<[UInt8]>

    /// Logs to `sink`; `secretDigests`: the SHA-256 of the secrets no line may repeat.
    public init(sink: LogSink, secretDigests: Set<[UInt8]> = []) {
        self.sink = sink
        self.secretDigests = secretDigests
    }

    /// Part of the chain (see `Middleware`).
    public func handle(_ request: HTTPRequest, context: GatewayContext, next: GatewayHandler) async throws -> HTTPResponse {
        let response = try await next(request, context)
        let elapsed = context.elapsed
        // A HEAD answer (and a 304) carries no content: what went out is nothing of the body;
        // nor does an answer to a client that is gone.
        let cancelled = Task.isCancelled && !context.connection.isCutShortByDrain
        let sent = cancelled || request.method == .head || response.status.code == 304 ? 0 : response.body.count
        let (sink, method, bytes, secretDigests) = (sink, request.method, sent, secretDigests)
        let status = cancelled ? Self.clientClosed : response.status.code
        // The line is written once the response is on its way (on a loop thread; at once on
        // any other): formatting it is no part of the answer the client waits for.
        OutputDeferral.afterOutput {
            sink.write(Self.line(requestID: context.loggedRequestID, client: context.clientAddress,
                                 connection: context.connection.remoteAddress == nil ? nil : context.connection.connectionID,
                                 tenant: context.tenant?.id, method: method,
                                 route: context.route?.description, status: status, duration: elapsed,
                                 bytes: bytes, upstreamCalls: context.upstreamCalls, secretDigests: secretDigests),
                       level: Self.level(of: status))
        }
        return response
    }

    /// What a line writes in place of a secret.
    static let redacted = "[redacted]"

    /// The level of a request's line: `warn` for a 5xx, the gateway's or the marketplace's
    /// failure, so that `LOG_LEVEL=warn` keeps those and drops the rest.
    static func level(of status: Int) -> LogSink.Level {
        status >= 500 ? .warn : .info
    }

    /// One access-log line. Also written for requests the server refuses or the client abandons,
    /// which have no tenant, and no method or route when their head was not read. The method is
    /// cut to the longest the parser takes (a method token has no length limit of its own), or
    /// `[redacted]` when it is one of `secretDigests`' secrets; the duration is written in µs.
    static func line(requestID: String, client: String?, connection: UInt64?, tenant: String?, method: HTTPMethod?,
                     route: String?, status: Int, duration: Duration?, bytes: Int, upstreamCalls: Int,
                     secretDigests: Set<[UInt8]>) -> String {
        let method = method.map { method -> String in
            if case .other(let token) = method, !secretDigests.isEmpty, secretDigests.contains(SHA256.hash(token.utf8)) {
                return redacted
            }
            // A method within the limit (all but a hostile one) is written as it is: `prefix`
            // walks the text by Character.
            let token = method.rawValue
            return token.utf8.count <= RequestHeadParser.maxMethodLength ? token : String(token.prefix(RequestHeadParser.maxMethodLength))
        }
        let durationMicros = duration.map { Int($0.components.seconds) * 1_000_000 + Int($0.components.attoseconds / 1_000_000_000_000) }
        var line = JSONObjectWriter(capacity: 320)
        line.timestamp("time", Timestamp.wallClock())
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
}

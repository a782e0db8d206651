import Connectors
import Synchronization

/// What `/metrics` shows, in the Prometheus text format (0.0.4): requests and their latency by
/// route pattern, method and status class; upstream calls by marketplace, channel and outcome
/// with their latency; retries; tenants and client addresses refused by their rate limits;
/// idempotent replays; failed writes of the idempotency journal; log lines dropped. Labels are
/// patterns and names from closed sets, never raw paths or keys, so the series stay bounded
/// whatever clients send.
public final class GatewayMetrics: Sendable {
    /// The `status_class` labels, by hundreds; a status above 599 counts as `5xx`.
    static let statusClasses = ["0xx", "1xx", "2xx", "3xx", "4xx", "5xx"]
    /// Upper bounds of the latency buckets, in seconds.
    static let buckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

    private struct RequestKey: Hashable, Comparable {
        var route: String
        var method: String
        var statusClass: String
        static func < (a: Self, b: Self) -> Bool { (a.route, a.method, a.statusClass) < (b.route, b.method, b.statusClass) }
    }

    private struct UpstreamKey: Hashable, Comparable {
        var marketplace: String
        var channel: String
        static func < (a: Self, b: Self) -> Bool { (a.marketplace, a.channel) < (b.marketplace, b.channel) }
    }

    private struct Histogram {
        var counts = [UInt64](repeating: 0, count: GatewayMetrics.buckets.count)
        var sum = 0.0
        var count: UInt64 = 0

        mutating func observe(_ seconds: Double) {
            if let index = GatewayMetrics.buckets.firstIndex(where: { seconds <= $0 }) { counts[index] += 1 }
            sum += seconds
            count += 1
        }
    }

    private struct State {
        var requests: [RequestKey: Histogram] = [:]
        var upstreamCalls: [UpstreamKey: [String: UInt64]] = [:]
        var upstreamLatency: [UpstreamKey: Histogram] = [:]
        var retries: [UpstreamKey: UInt64] = [:]
        var rateLimited: [String: UInt64] = [:]
        var idempotentReplays: UInt64 = 0
        var journalFailures: UInt64 = 0
        var idempotencyEvictions: [String: UInt64] = [:]
        var publicRateLimited: UInt64 = 0
        var failedAuthLimited: UInt64 = 0
        var logLinesDropped: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Empty counters; one instance serves the whole gateway and is safe from any thread.
    public init() {}

    /// One answered request: `route` is the matched pattern (or `unmatched`), `method` a label from
    /// a closed set, `status` counted by class, `seconds` its latency.
    public func recordRequest(route: String, method: String, status: Int, seconds: Double) {
        let key = RequestKey(route: route, method: method, statusClass: Self.statusClasses[min(max(status / 100, 0), 5)])
        state.withLock { $0.requests[key, default: Histogram()].observe(seconds) }
    }

    /// One upstream attempt made for a request to `marketplace`/`channel`.
    public func recordUpstream(marketplace: String, channel: String, outcome: String, attempt: Int, seconds: Double) {
        let key = UpstreamKey(marketplace: marketplace, channel: channel)
        state.withLock { state in
            state.upstreamCalls[key, default: [:]][outcome, default: 0] += 1
            state.upstreamLatency[key, default: Histogram()].observe(seconds)
            if attempt > 1 { state.retries[key, default: 0] += 1 }
        }
    }

    /// One request refused by `tenant`'s rate limit.
    public func recordRateLimited(tenant: String) {
        state.withLock { $0.rateLimited[tenant, default: 0] += 1 }
    }

    /// One request to a route without an API key refused by its client address's limit
    /// (`public_rate_limit`); addresses are not labels, as they are not a closed set.
    public func recordPublicRateLimited() {
        state.withLock { $0.publicRateLimited += 1 }
    }

    /// One request refused unread because its client address failed to authenticate too often
    /// (`failed_auth_limit`).
    public func recordFailedAuthLimited() {
        state.withLock { $0.failedAuthLimited += 1 }
    }

    /// Log lines dropped because the log's reader did not keep up, or was gone.
    public func recordLogLinesDropped(_ count: Int) {
        state.withLock { $0.logLinesDropped += UInt64(count) }
    }

    /// One write answered from the idempotency store instead of the upstream.
    public func recordIdempotentReplay() {
        state.withLock { $0.idempotentReplays += 1 }
    }

    /// One batch of `idempotency.journal` records that could not be written.
    public func recordIdempotencyJournalFailure() {
        state.withLock { $0.journalFailures += 1 }
    }

    /// `count` of `tenant`'s idempotency outcomes dropped before their lifetime for room
    /// (`idempotency.capacity`); tenants are a closed set, configured.
    public func recordIdempotencyEvictions(tenant: String, count: Int) {
        state.withLock { $0.idempotencyEvictions[tenant, default: 0] += UInt64(count) }
    }

    /// One point-in-time value `render` adds: its family's name and help, its labels, its value.
    public typealias Gauge = (name: String, help: String, labels: [(String, String)], value: Double)

    /// The exposition text; `gauges` adds point-in-time values (open connections, circuits).
    public func render(gauges: [Gauge] = []) -> String {
        let bytes = exposition(gauges: gauges)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `render`'s text as bytes, written straight into one buffer: a gateway with thousands of
    /// tenants has a circuit series for each tenant's connector, and building each line as a
    /// `String` made a scrape of 20,000 tenants take 0.2 s of CPU.
    public func exposition(gauges: [Gauge] = []) -> [UInt8] {
        let snapshot = state.withLock { $0 }
        var out = ByteWriter(capacity: 16_384 + gauges.count * 160)
        Self.family(&out, "gateway_requests_total", "counter", "Requests answered, by route pattern, method and status class.")
        let requests = snapshot.requests.sorted(by: { $0.key < $1.key })
        for (key, histogram) in requests {
            out.append("gateway_requests_total{")
            Self.labels(key, into: &out)
            out.append("} ")
            Self.integer(histogram.count, into: &out)
        }
        Self.family(&out, "gateway_request_duration_seconds", "histogram", "Time from request to response, by route pattern, method and status class.")
        for (key, histogram) in requests {
            Self.histogram(&out, "gateway_request_duration_seconds", histogram) { Self.labels(key, into: &$0) }
        }
        Self.family(&out, "gateway_upstream_calls_total", "counter", "Calls to marketplace APIs (retries included), by marketplace, channel and outcome.")
        for (key, outcomes) in snapshot.upstreamCalls.sorted(by: { $0.key < $1.key }) {
            for (outcome, count) in outcomes.sorted(by: { $0.key < $1.key }) {
                out.append("gateway_upstream_calls_total{")
                Self.labels(key, into: &out)
                out.append(",outcome=")
                Self.quoted(outcome, into: &out)
                out.append("} ")
                Self.integer(count, into: &out)
            }
        }
        Self.family(&out, "gateway_upstream_call_duration_seconds", "histogram", "Time of one call to a marketplace API, by marketplace and channel.")
        for (key, histogram) in snapshot.upstreamLatency.sorted(by: { $0.key < $1.key }) {
            Self.histogram(&out, "gateway_upstream_call_duration_seconds", histogram) { Self.labels(key, into: &$0) }
        }
        Self.family(&out, "gateway_upstream_retries_total", "counter", "Calls to marketplace APIs that were retries of a failed one.")
        for (key, count) in snapshot.retries.sorted(by: { $0.key < $1.key }) {
            out.append("gateway_upstream_retries_total{")
            Self.labels(key, into: &out)
            out.append("} ")
            Self.integer(count, into: &out)
        }
        Self.tenantCounter(&out, "gateway_rate_limited_total", "Requests refused because the tenant's rate limit was spent, by tenant id.",
                           snapshot.rateLimited)
        Self.counter(&out, "gateway_public_rate_limited_total",
                     "Requests to routes without an API key refused because their client address's public_rate_limit was spent.",
                     snapshot.publicRateLimited)
        Self.counter(&out, "gateway_failed_auth_limited_total",
                     "Requests refused without checking their key because their client address's failed_auth_limit was spent.",
                     snapshot.failedAuthLimited)
        Self.counter(&out, "gateway_idempotent_replays_total", "Replies answered from the Idempotency-Key store instead of upstream.",
                     snapshot.idempotentReplays)
        Self.counter(&out, "gateway_idempotency_journal_failures_total",
                     "Writes to idempotency.journal that failed: the keyed requests waiting on them failed before sending, or were answered with an outcome a restart may not replay.",
                     snapshot.journalFailures)
        Self.tenantCounter(&out, "gateway_idempotency_evictions_total",
                           "Idempotency-Key outcomes dropped before their lifetime to keep the tenant within idempotency.capacity: a retry under such a key runs again.",
                           snapshot.idempotencyEvictions)
        Self.counter(&out, "gateway_log_lines_dropped_total",
                     "Log lines dropped because stdout's reader did not keep up (said in a log_lines_dropped line) or was gone.",
                     snapshot.logLinesDropped)
        var described = Set<String>()
        for gauge in gauges {
            if described.insert(gauge.name).inserted { Self.family(&out, gauge.name, "gauge", gauge.help) }
            out.append(utf8Of: gauge.name)
            if !gauge.labels.isEmpty {
                out.append(UInt8(ascii: "{"))
                for (index, (name, value)) in gauge.labels.enumerated() {
                    if index > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(utf8Of: name)
                    out.append(UInt8(ascii: "="))
                    Self.quoted(value, into: &out)
                }
                out.append(UInt8(ascii: "}"))
            }
            out.append(UInt8(ascii: " "))
            Self.number(gauge.value, into: &out)
            out.append(UInt8(ascii: "\n"))
        }
        return out.bytes
    }

    private static func family(_ out: inout ByteWriter, _ name: StaticString, _ type: StaticString, _ help: StaticString) {
        family(&out, name.description, type.description, help.description)
    }

    private static func family(_ out: inout ByteWriter, _ name: String, _ type: String, _ help: String) {
        out.append("# HELP ")
        out.append(utf8Of: name)
        out.append(UInt8(ascii: " "))
        out.append(utf8Of: help)
        out.append("\n# TYPE ")
        out.append(utf8Of: name)
        out.append(UInt8(ascii: " "))
        out.append(utf8Of: type)
        out.append(UInt8(ascii: "\n"))
    }

    /// A family of one unlabelled counter.
    private static func counter(_ out: inout ByteWriter, _ name: StaticString, _ help: StaticString, _ value: UInt64) {
        family(&out, name, "counter", help)
        out.append(name)
        out.append(UInt8(ascii: " "))
        integer(value, into: &out)
    }

    /// A family of one counter per tenant, in the order of their ids.
    private static func tenantCounter(_ out: inout ByteWriter, _ name: StaticString, _ help: StaticString, _ counts: [String: UInt64]) {
        family(&out, name, "counter", help)
        for (tenant, count) in counts.sorted(by: { $0.key < $1.key }) {
            out.append(name)
            out.append("{tenant=")
            quoted(tenant, into: &out)
            out.append("} ")
            integer(count, into: &out)
        }
    }

    /// `value` and the line's end.
    private static func integer(_ value: UInt64, into out: inout ByteWriter) {
        JSONBytes.appendInteger(value, to: &out)
        out.append(UInt8(ascii: "\n"))
    }

    private static func labels(_ key: RequestKey, into out: inout ByteWriter) {
        out.append("route=")
        quoted(key.route, into: &out)
        out.append(",method=")
        quoted(key.method, into: &out)
        out.append(",status_class=")
        quoted(key.statusClass, into: &out)
    }

    private static func labels(_ key: UpstreamKey, into out: inout ByteWriter) {
        out.append("marketplace=")
        quoted(key.marketplace, into: &out)
        out.append(",channel=")
        quoted(key.channel, into: &out)
    }

    /// The buckets' `le` labels, written once.
    private static let bucketLabels: [String] = buckets.map { bound in
        var out = ByteWriter(capacity: 16)
        number(bound, into: &out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    private static func histogram(_ out: inout ByteWriter, _ name: StaticString, _ histogram: Histogram,
                                  labels: (inout ByteWriter) -> Void) {
        var cumulative: UInt64 = 0
        for (index, bound) in bucketLabels.enumerated() {
            cumulative += histogram.counts[index]
            out.append(name)
            out.append("_bucket{")
            labels(&out)
            out.append(",le=\"")
            out.append(utf8Of: bound)
            out.append("\"} ")
            integer(cumulative, into: &out)
        }
        out.append(name)
        out.append("_bucket{")
        labels(&out)
        out.append(",le=\"+Inf\"} ")
        integer(histogram.count, into: &out)
        out.append(name)
        out.append("_sum{")
        labels(&out)
        out.append("} ")
        number(histogram.sum, into: &out)
        out.append(UInt8(ascii: "\n"))
        out.append(name)
        out.append("_count{")
        labels(&out)
        out.append("} ")
        integer(histogram.count, into: &out)
    }

    private static func number(_ value: Double, into out: inout ByteWriter) {
        if value == value.rounded() && abs(value) < 1e15 {
            JSONBytes.appendInteger(Int64(value), to: &out)
        } else {
            out.append(utf8Of: String(value))
        }
    }

    /// A label value, escaped as the text format requires (backslash, quote, line feed), over its
    /// bytes: a CR LF is one `Character`, which a `\n` case would never meet, and its raw line
    /// feed would end the sample mid-value.
    static func quoted(_ value: String, into out: inout ByteWriter) {
        out.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var start = 0
            for (index, byte) in utf8.enumerated() where byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\"") || byte == 0x0A {
                out.append(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(utf8)[start..<index]))
                let escape: StaticString = byte == 0x0A ? "\\n" : byte == UInt8(ascii: "\\") ? "\\\\" : "\\\""
                out.append(escape)
                start = index + 1
            }
            out.append(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(utf8)[start...]))
        }
        out.append(UInt8(ascii: "\""))
    }
}

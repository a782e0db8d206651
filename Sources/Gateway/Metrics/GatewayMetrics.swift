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

    /// One log line dropped because the log's reader did not keep up.
    public func recordLogLineDropped() {
        state.withLock { $0.logLinesDropped += 1 }
    }

    /// One write answered from the idempotency store instead of the upstream.
    public func recordIdempotentReplay() {
        state.withLock { $0.idempotentReplays += 1 }
    }

    /// One batch of `idempotency.journal` records that could not be written.
    public func recordIdempotencyJournalFailure() {
        state.withLock { $0.journalFailures += 1 }
    }

    /// The exposition text; `gauges` adds point-in-time values (open connections, circuits).
    public func render(gauges: [(name: String, help: String, labels: [(String, String)], value: Double)] = []) -> String {
        let snapshot = state.withLock { $0 }
        var out = ""
        family(&out, "gateway_requests_total", "counter", "Requests answered, by route pattern, method and status class.")
        for (key, histogram) in snapshot.requests.sorted(by: { $0.key < $1.key }) {
            out += "gateway_requests_total{\(Self.labels(key))} \(histogram.count)\n"
        }
        family(&out, "gateway_request_duration_seconds", "histogram", "Time from request to response, by route pattern, method and status class.")
        for (key, histogram) in snapshot.requests.sorted(by: { $0.key < $1.key }) {
            Self.histogram(&out, "gateway_request_duration_seconds", Self.labels(key), histogram)
        }
        family(&out, "gateway_upstream_calls_total", "counter", "Calls to marketplace APIs (retries included), by marketplace, channel and outcome.")
        for (key, outcomes) in snapshot.upstreamCalls.sorted(by: { $0.key < $1.key }) {
            for (outcome, count) in outcomes.sorted(by: { $0.key < $1.key }) {
                out += "gateway_upstream_calls_total{\(Self.labels(key)),outcome=\(Self.quoted(outcome))} \(count)\n"
            }
        }
        family(&out, "gateway_upstream_call_duration_seconds", "histogram", "Time of one call to a marketplace API, by marketplace and channel.")
        for (key, histogram) in snapshot.upstreamLatency.sorted(by: { $0.key < $1.key }) {
            Self.histogram(&out, "gateway_upstream_call_duration_seconds", Self.labels(key), histogram)
        }
        family(&out, "gateway_upstream_retries_total", "counter", "Calls to marketplace APIs that were retries of a failed one.")
        for (key, count) in snapshot.retries.sorted(by: { $0.key < $1.key }) {
            out += "gateway_upstream_retries_total{\(Self.labels(key))} \(count)\n"
        }
        family(&out, "gateway_rate_limited_total", "counter", "Requests refused because the tenant's rate limit was spent, by tenant id.")
        for (tenant, count) in snapshot.rateLimited.sorted(by: { $0.key < $1.key }) {
            out += "gateway_rate_limited_total{tenant=\(Self.quoted(tenant))} \(count)\n"
        }
        family(&out, "gateway_public_rate_limited_total", "counter",
               "Requests to routes without an API key refused because their client address's public_rate_limit was spent.")
        out += "gateway_public_rate_limited_total \(snapshot.publicRateLimited)\n"
        family(&out, "gateway_failed_auth_limited_total", "counter",
               "Requests refused without checking their key because their client address's failed_auth_limit was spent.")
        out += "gateway_failed_auth_limited_total \(snapshot.failedAuthLimited)\n"
        family(&out, "gateway_idempotent_replays_total", "counter", "Replies answered from the Idempotency-Key store instead of upstream.")
        out += "gateway_idempotent_replays_total \(snapshot.idempotentReplays)\n"
        family(&out, "gateway_idempotency_journal_failures_total", "counter",
               "Writes to idempotency.journal that failed: the keyed requests waiting on them failed before sending, or were answered with an outcome a restart may not replay.")
        out += "gateway_idempotency_journal_failures_total \(snapshot.journalFailures)\n"
        family(&out, "gateway_log_lines_dropped_total", "counter",
               "Log lines dropped because stdout's reader did not keep up (each also counted in a log_lines_dropped line).")
        out += "gateway_log_lines_dropped_total \(snapshot.logLinesDropped)\n"
        var described = Set<String>()
        for gauge in gauges {
            if described.insert(gauge.name).inserted { family(&out, gauge.name, "gauge", gauge.help) }
            let labels = gauge.labels.map { "\($0.0)=\(Self.quoted($0.1))" }.joined(separator: ",")
            out += labels.isEmpty ? "\(gauge.name) \(Self.number(gauge.value))\n" : "\(gauge.name){\(labels)} \(Self.number(gauge.value))\n"
        }
        return out
    }

    private func family(_ out: inout String, _ name: String, _ type: String, _ help: String) {
        out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    private static func labels(_ key: RequestKey) -> String {
        "route=\(quoted(key.route)),method=\(quoted(key.method)),status_class=\(quoted(key.statusClass))"
    }

    private static func labels(_ key: UpstreamKey) -> String {
        "marketplace=\(quoted(key.marketplace)),channel=\(quoted(key.channel))"
    }

    private static func histogram(_ out: inout String, _ name: String, _ labels: String, _ histogram: Histogram) {
        var cumulative: UInt64 = 0
        for (index, bound) in buckets.enumerated() {
            cumulative += histogram.counts[index]
            out += "\(name)_bucket{\(labels),le=\"\(number(bound))\"} \(cumulative)\n"
        }
        out += "\(name)_bucket{\(labels),le=\"+Inf\"} \(histogram.count)\n"
        out += "\(name)_sum{\(labels)} \(number(histogram.sum))\n"
        out += "\(name)_count{\(labels)} \(histogram.count)\n"
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// A label value, escaped as the text format requires (backslash, quote, line feed). Walked by
    /// scalar: a CR LF is one Character, which a `\n` case would never meet, and its raw line
    /// feed would end the sample mid-value.
    static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

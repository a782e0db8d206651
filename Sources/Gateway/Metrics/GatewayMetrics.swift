import Synchronization

/// Counters and a latency histogram per route, rendered in the Prometheus text format
/// (version 0.0.4) at `/metrics`. Labels are route patterns, never raw paths, so the series
/// count stays bounded whatever clients send.
public final class GatewayMetrics: Sendable {
    /// Upper bounds of the latency buckets, in seconds.
    static let buckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

    private struct RequestKey: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    private struct Histogram {
        var counts = [UInt64](repeating: 0, count: GatewayMetrics.buckets.count)
        var sum = 0.0
        var count: UInt64 = 0
    }

    private struct State {
        var requests: [RequestKey: UInt64] = [:]
        var latency: [String: Histogram] = [:]
        var upstreamCalls: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    public func record(route: String, method: String, status: Int, seconds: Double, upstreamCalls: Int) {
        state.withLock { state in
            state.requests[RequestKey(route: route, method: method, status: status), default: 0] += 1
            var histogram = state.latency[route] ?? Histogram()
            if let index = Self.buckets.firstIndex(where: { seconds <= $0 }) { histogram.counts[index] += 1 }
            histogram.sum += seconds
            histogram.count += 1
            state.latency[route] = histogram
            state.upstreamCalls += UInt64(max(0, upstreamCalls))
        }
    }

    /// The exposition text; `gauges` adds point-in-time values (open connections, circuits).
    public func render(gauges: [(name: String, help: String, labels: [(String, String)], value: Double)] = []) -> String {
        let snapshot = state.withLock { $0 }
        var out = "# HELP gateway_requests_total Requests answered, by route pattern, method and status.\n"
        out += "# TYPE gateway_requests_total counter\n"
        for (key, value) in snapshot.requests.sorted(by: { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }) {
            out += "gateway_requests_total{route=\(Self.quoted(key.route)),method=\(Self.quoted(key.method)),status=\"\(key.status)\"} \(value)\n"
        }
        out += "# HELP gateway_request_duration_seconds Time from request to response, by route pattern.\n"
        out += "# TYPE gateway_request_duration_seconds histogram\n"
        for (route, histogram) in snapshot.latency.sorted(by: { $0.key < $1.key }) {
            var cumulative: UInt64 = 0
            for (index, bound) in Self.buckets.enumerated() {
                cumulative += histogram.counts[index]
                out += "gateway_request_duration_seconds_bucket{route=\(Self.quoted(route)),le=\"\(bound)\"} \(cumulative)\n"
            }
            out += "gateway_request_duration_seconds_bucket{route=\(Self.quoted(route)),le=\"+Inf\"} \(histogram.count)\n"
            out += "gateway_request_duration_seconds_sum{route=\(Self.quoted(route))} \(histogram.sum)\n"
            out += "gateway_request_duration_seconds_count{route=\(Self.quoted(route))} \(histogram.count)\n"
        }
        out += "# HELP gateway_upstream_calls_total Calls made to marketplace APIs, retries included.\n"
        out += "# TYPE gateway_upstream_calls_total counter\n"
        out += "gateway_upstream_calls_total \(snapshot.upstreamCalls)\n"
        var described = Set<String>()
        for gauge in gauges {
            if described.insert(gauge.name).inserted {
                out += "# HELP \(gauge.name) \(gauge.help)\n# TYPE \(gauge.name) gauge\n"
            }
            let labels = gauge.labels.map { "\($0.0)=\(Self.quoted($0.1))" }.joined(separator: ",")
            out += labels.isEmpty ? "\(gauge.name) \(gauge.value)\n" : "\(gauge.name){\(labels)} \(gauge.value)\n"
        }
        return out
    }

    /// A label value, escaped as the text format requires.
    static func quoted(_ value: String) -> String {
        var out = "\""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out + "\""
    }
}

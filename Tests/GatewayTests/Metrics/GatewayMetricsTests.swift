@testable import Gateway
import Testing

@Suite("Metrics in the Prometheus text format")
struct GatewayMetricsTests {
    @Test("given a route whose name holds a CR LF, a lone line feed, a quote and a backslash, then every sample stays on one line, its label escaped")
    func labelLineBreaks() {
        // given: a static file's route, named by whatever the file is called
        let metrics = GatewayMetrics()
        metrics.recordRequest(route: "/x\r\ny\n\"q\"\\", method: "GET", status: 200, seconds: 0.01)
        // when
        let text = metrics.render()
        // then: no line starts inside a label value, and the value reads back escaped
        let samples = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(samples.allSatisfy { $0.hasPrefix("gateway_") }, "\(samples.filter { !$0.hasPrefix("gateway_") })")
        #expect(text.contains(#"route="/x"# + "\r" + #"\ny\n\"q\"\\""#))
    }

    @Test("given latencies on a bucket's bound, just past it and past the last, then the buckets are running totals with inclusive bounds, and +Inf, the sum and the count take all")
    func histogramBuckets() throws {
        let metrics = GatewayMetrics()
        for seconds in [0.0005, 0.0006, 31] {
            metrics.recordRequest(route: "/r", method: "GET", status: 200, seconds: seconds)
        }
        let samples = Self.samples(metrics.render())
        let labels = #"route="/r",method="GET",status_class="2xx""#
        func bucket(_ bound: String) -> Double? { samples["gateway_request_duration_seconds_bucket{\(labels),le=\"\(bound)\"}"] }
        #expect(bucket("0.0005") == 1)
        #expect(bucket("0.001") == 2)
        #expect(bucket("30") == 2)
        #expect(bucket("+Inf") == 3)
        #expect(samples["gateway_request_duration_seconds_count{\(labels)}"] == 3)
        let sum = try #require(samples["gateway_request_duration_seconds_sum{\(labels)}"])
        #expect(abs(sum - 31.0011) < 1e-9)
        #expect(samples["gateway_requests_total{\(labels)}"] == 3)
    }

    @Test("given a second attempt, a tenant's refusals, a replay and evictions, then each counter says how many, labelled as documented")
    func counters() {
        let metrics = GatewayMetrics()
        metrics.recordUpstream(marketplace: "ozon", channel: "review", outcome: "server_error", attempt: 1, seconds: 0.2)
        metrics.recordUpstream(marketplace: "ozon", channel: "review", outcome: "success", attempt: 2, seconds: 0.1)
        metrics.recordRateLimited(tenant: "acme")
        metrics.recordRateLimited(tenant: "acme")
        metrics.recordRateLimited(tenant: "beta")
        metrics.recordIdempotentReplay()
        metrics.recordIdempotencyEvictions(tenant: "acme", count: 3)
        metrics.recordLogLinesDropped(4)
        let samples = Self.samples(metrics.render())
        #expect(samples[#"gateway_upstream_retries_total{marketplace="ozon",channel="review"}"#] == 1)
        #expect(samples[#"gateway_upstream_calls_total{marketplace="ozon",channel="review",outcome="server_error"}"#] == 1)
        #expect(samples[#"gateway_upstream_calls_total{marketplace="ozon",channel="review",outcome="success"}"#] == 1)
        #expect(samples[#"gateway_rate_limited_total{tenant="acme"}"#] == 2)
        #expect(samples[#"gateway_rate_limited_total{tenant="beta"}"#] == 1)
        #expect(samples["gateway_idempotent_replays_total"] == 1)
        #expect(samples[#"gateway_idempotency_evictions_total{tenant="acme"}"#] == 3)
        #expect(samples["gateway_log_lines_dropped_total"] == 4)
    }

    /// Each sample line's name and labels, and its value.
    private static func samples(_ text: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
        return samples
    }
}

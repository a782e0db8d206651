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
}

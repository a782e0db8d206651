import Connectors
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Glibc
import HTTP
import Server

// bench-upstream: what one upstream call through URLSessionUpstreamClient (FoundationNetworking's
// URLSession, libcurl underneath) costs on this machine, apart from any connector or JSON work.
// A loopback server of ours answers every request with the same BODY_BYTES (default 10,000)
// bytes; CALLS (default 5,000) calls are made one after another, then CONCURRENCY (default 64)
// at a time. Prints p50/p99 of the call and the process CPU time per call (client and server).

func environment(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

let bodyBytes = environment("BODY_BYTES").flatMap(Int.init) ?? 10_000
let calls = environment("CALLS").flatMap(Int.init) ?? 5_000
let concurrency = environment("CONCURRENCY").flatMap(Int.init) ?? 64
let payload = Array(repeating: UInt8(ascii: "x"), count: bodyBytes)

var configuration = ServerConfiguration(host: "127.0.0.1", port: 0)
configuration.loopCount = 1
let server = HTTPServer(configuration: configuration, responder: ClosureResponder { _, _ in
    HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: payload)
})
try server.start()
let client = URLSessionUpstreamClient(baseURL: URL(string: "http://127.0.0.1:\(server.port)")!, maxConnections: concurrency)
let request = UpstreamRequest.json("POST", "/v1/review/list", body: Array(#"{"limit":20}"#.utf8),
                                   safety: .idempotent, operation: "bench")

// BARE=1: a plain dataTask with a completion handler, without the client's timer and mapping.
let bare = environment("BARE") == "1"
let session = URLSession(configuration: .ephemeral)
var urlRequest = URLRequest(url: URL(string: "http://127.0.0.1:\(server.port)/v1/review/list")!)
urlRequest.httpMethod = "POST"
urlRequest.httpBody = Data(#"{"limit":20}"#.utf8)
urlRequest.addValue("application/json", forHTTPHeaderField: "Content-Type")
let bareRequest = urlRequest

func call() async -> Double {
    let start = ContinuousClock.now
    if bare {
        let count = await withCheckedContinuation { continuation in
            session.dataTask(with: bareRequest) { data, _, _ in continuation.resume(returning: data?.count ?? 0) }.resume()
        }
        precondition(count == bodyBytes)
    } else {
        let response = try! await client.send(request, timeout: .seconds(5))
        precondition(response.status == 200 && response.body.count == bodyBytes)
    }
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6
}

for _ in 0..<200 { _ = await call() }  // warm: connections, caches

var cpu = cpuSeconds()
var wall = ContinuousClock.now
var latencies: [Double] = []
for _ in 0..<calls { latencies.append(await call()) }
latencies.sort()
var seconds = Double((ContinuousClock.now - wall).components.attoseconds) / 1e18 + Double((ContinuousClock.now - wall).components.seconds)
print(String(format: "sequential: %d calls, %.0f calls/s, p50 %.0f us, p99 %.0f us, CPU %.0f us per call",
             calls, Double(calls) / seconds, percentile(latencies, 0.5), percentile(latencies, 0.99),
             (cpuSeconds() - cpu) / Double(calls) * 1e6))

cpu = cpuSeconds()
wall = ContinuousClock.now
latencies = await withTaskGroup(of: [Double].self) { group in
    for _ in 0..<concurrency {
        group.addTask {
            var mine: [Double] = []
            for _ in 0..<(calls / concurrency) { mine.append(await call()) }
            return mine
        }
    }
    var all: [Double] = []
    for await part in group { all += part }
    return all
}
latencies.sort()
seconds = Double((ContinuousClock.now - wall).components.attoseconds) / 1e18 + Double((ContinuousClock.now - wall).components.seconds)
print(String(format: "%d at a time: %d calls, %.0f calls/s, p50 %.0f us, p99 %.0f us, CPU %.0f us per call",
             concurrency, latencies.count, Double(latencies.count) / seconds, percentile(latencies, 0.5),
             percentile(latencies, 0.99), (cpuSeconds() - cpu) / Double(latencies.count) * 1e6))
await server.stop()

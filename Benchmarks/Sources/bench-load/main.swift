import Foundation
import Glibc

// bench-load: an open-loop load generator, for latency at a fixed offered rate. wrk keeps every
// connection busy (closed loop), so on a saturated server its latency is queueing: 64 × the time
// per request. Here RATE requests per second are spread over CONNS keep-alive connections on a
// fixed schedule (connection i sends at t0 + i/RATE + k·CONNS/RATE), whatever the answers do.
// Each latency is counted from the time the request was due, not from when it went out, so a
// stalled server shows as the wait it caused (no coordinated omission).
//
//   bench-load http://127.0.0.1:8080/path   env: RATE (default 200), CONNS (64), DURATION (10 s),
//   WARMUP (2 s), METHOD (GET), BODY, HEADERS ("Name: value" lines)
// Prints one line: sent, errors, achieved rate, p50/p90/p99/max in microseconds.

func environment(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("bench-load: \(message)\n".utf8))
    exit(1)
}

func nanosecondsNow() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

func sleep(until deadline: UInt64) {
    var spec = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
    while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &spec, nil) == EINTR {}
}

guard CommandLine.arguments.count == 2, let url = URLComponents(string: CommandLine.arguments[1]),
      url.scheme == "http", let host = url.host, let port = url.port
else { fail("usage: bench-load http://HOST:PORT/path") }
let rate = environment("RATE").flatMap(Double.init) ?? 200
let connections = environment("CONNS").flatMap(Int.init) ?? 64
let duration = environment("DURATION").flatMap(Double.init) ?? 10
let warmup = environment("WARMUP").flatMap(Double.init) ?? 2
let method = environment("METHOD") ?? "GET"
let body = Array((environment("BODY") ?? "").utf8)
var head = "\(method) \(url.percentEncodedPath.isEmpty ? "/" : url.percentEncodedPath)\(url.percentEncodedQuery.map { "?\($0)" } ?? "") HTTP/1.1\r\n"
head += "Host: \(host):\(port)\r\n"
for line in (environment("HEADERS") ?? "").split(separator: "\n") where !line.isEmpty { head += "\(line)\r\n" }
if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
head += "\r\n"
let request = Array(head.utf8) + body

/// One keep-alive connection with a blocking socket; answers are read by Content-Length.
final class Connection {
    private let host: String
    private let port: Int
    private var fd: Int32 = -1
    private var buffer = [UInt8](repeating: 0, count: 1 << 20)
    private var filled = 0

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    func send(_ bytes: [UInt8]) -> Bool {
        if fd < 0, !connect() { return false }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard written > 0 else { reset(); return false }
            offset += written
        }
        return true
    }

    /// Reads one whole response; its status, or nil when the connection failed.
    func receive() -> Int? {
        while true {
            if let (status, length) = parsedResponse() {
                buffer.withUnsafeMutableBytes { raw in
                    _ = memmove(raw.baseAddress!, raw.baseAddress! + length, filled - length)
                }
                filled -= length
                return status
            }
            guard filled < buffer.count else { reset(); return nil }
            let count = buffer[filled...].withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { reset(); return nil }
            filled += count
        }
    }

    /// Status and total length of the response at the front of the buffer, once all of it is there.
    private func parsedResponse() -> (Int, Int)? {
        let bytes = buffer[0..<filled]
        guard let end = bytes.firstRange(of: Array("\r\n\r\n".utf8)) else { return nil }
        let text = String(decoding: bytes[..<end.lowerBound], as: UTF8.self)
        let lines = text.split(separator: "\r\n")
        guard let statusLine = lines.first, statusLine.count >= 12, let status = Int(statusLine.dropFirst(9).prefix(3)) else {
            fail("not an HTTP response: \(text.prefix(80))")
        }
        var contentLength = 0
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "content-length" {
                contentLength = Int(parts[1].trimmingCharacters(in: .whitespaces)) ?? 0
            } else if parts.count == 2, parts[0].lowercased() == "transfer-encoding" {
                fail("chunked answers are not supported")
            }
        }
        let total = end.upperBound + contentLength
        return filled >= total ? (status, total) : nil
    }

    private func connect() -> Bool {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &address.sin_addr)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result != 0 { reset() }
        return result == 0
    }

    private func reset() {
        if fd >= 0 { close(fd) }
        fd = -1
        filled = 0
    }
}

/// Latencies and failures of one connection's requests, merged at the end.
/// `@unchecked Sendable`: each tally is written only by its own connection's thread, and read
/// only after `finished.wait()`, whose group `leave()` orders every write before the read.
final class Tally: @unchecked Sendable {
    var latencies: [UInt64] = []
    var errors = 0
    var sent = 0
}

/// What every connection's thread needs: the bytes to send and the schedule.
struct Plan: Sendable {
    let host: String
    let port: Int
    let request: [UInt8]
    let rate: Double
    let interval: UInt64
    let start: UInt64
    let measureFrom: UInt64
    let end: UInt64
}

let begin = nanosecondsNow() + 100_000_000
let plan = Plan(host: host, port: port, request: request, rate: rate, interval: UInt64(Double(connections) / rate * 1e9),
                start: begin, measureFrom: begin + UInt64(warmup * 1e9), end: begin + UInt64((warmup + duration) * 1e9))
let tallies = (0..<connections).map { _ in Tally() }
let finished = DispatchGroup()
for (index, tally) in tallies.enumerated() {
    finished.enter()
    Thread.detachNewThread {
        let connection = Connection(host: plan.host, port: plan.port)
        var due = plan.start + UInt64(Double(index) / plan.rate * 1e9)
        while due < plan.end {
            sleep(until: due)
            let measured = due >= plan.measureFrom
            if measured { tally.sent += 1 }
            if connection.send(plan.request), let status = connection.receive() {
                if measured {
                    tally.latencies.append(nanosecondsNow() - due)
                    if status >= 400 { tally.errors += 1 }
                }
            } else if measured {
                tally.errors += 1
            }
            due += plan.interval
        }
        finished.leave()
    }
}
finished.wait()

let latencies = tallies.flatMap(\.latencies).sorted()
guard !latencies.isEmpty else { fail("no answers") }
func percentile(_ p: Double) -> Double { Double(latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]) / 1000 }
let sent = tallies.reduce(0) { $0 + $1.sent }
let errors = tallies.reduce(0) { $0 + $1.errors }
print(String(format: "sent %d\terrors %d\trate %.0f/s\tp50 %.0f us\tp90 %.0f us\tp99 %.0f us\tmax %.0f us",
             sent, errors, Double(latencies.count) / duration, percentile(0.5), percentile(0.9), percentile(0.99),
             Double(latencies.last!) / 1000))

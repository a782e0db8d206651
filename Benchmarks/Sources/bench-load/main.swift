import CLoad
import Foundation
import Glibc

// bench-load: an open-loop load generator, for latency at a fixed offered rate. wrk keeps every
// connection busy (closed loop), so on a saturated server its latency is queueing: 64 × the time
// per request. Here RATE requests per second are spread over CONNS keep-alive connections on a
// fixed schedule (request j is due at t0 + j/RATE, on connection j mod CONNS), whatever the
// answers do. Each latency is counted from the time the request was due, not from when it went
// out, so a stalled server shows as the wait it caused (no coordinated omission): a request due on
// a connection still waiting for its previous answer is sent as soon as that answer is in.
//
// One thread, one epoll set and a timerfd armed for the next due time: the generator's own part
// of each latency is one wake-up, not a thread of 64 being scheduled, and its timed waits have
// 1 µs of slack instead of the default 50. How late each request went out is reported as `lag`.
//
// Given a second URL, requests alternate between the two (each its own CONNS connections), so
// that both are measured in the same moments of a shared machine: request 2k goes to the first,
// 2k+1 to the second, 1/RATE later. Besides each one's line it prints the difference of their
// p50s and the median of the differences within each pair, which a slow spell of the machine
// shifts far less than two runs one after the other.
//
//   bench-load http://127.0.0.1:8080/path [http://…/other]   env: RATE (default 200, both URLs
//   together), CONNS (64 per URL), DURATION (10 s), WARMUP (2 s), METHOD (GET), BODY, HEADERS
//   ("Name: value" lines); METHOD2, BODY2, HEADERS2 for the second URL
// Prints per URL: sent, errors, achieved rate, p50/p90/p99/max in microseconds, lag50/lag99.

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

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count == 1 || arguments.count == 2 else { fail("usage: bench-load http://HOST:PORT/path [http://HOST:PORT/other]") }
let rate = environment("RATE").flatMap(Double.init) ?? 200
let connectionCount = environment("CONNS").flatMap(Int.init) ?? 64
let duration = environment("DURATION").flatMap(Double.init) ?? 10
let warmup = environment("WARMUP").flatMap(Double.init) ?? 2
guard rate > 0, connectionCount > 0, duration > 0, warmup >= 0 else { fail("RATE, CONNS and DURATION must be positive") }

/// Where one URL's requests go and the bytes of each.
struct Target {
    let host: String
    let port: Int
    let request: [UInt8]

    init(url text: String, suffix: String) {
        guard let url = URLComponents(string: text), url.scheme == "http", let host = url.host, let port = url.port else {
            fail("not an http://HOST:PORT/path URL: \(text)")
        }
        let method = environment("METHOD" + suffix) ?? "GET"
        let body = Array((environment("BODY" + suffix) ?? "").utf8)
        var head = "\(method) \(url.percentEncodedPath.isEmpty ? "/" : url.percentEncodedPath)\(url.percentEncodedQuery.map { "?\($0)" } ?? "") HTTP/1.1\r\n"
        head += "Host: \(host):\(port)\r\n"
        for line in (environment("HEADERS" + suffix) ?? "").split(separator: "\n") where !line.isEmpty { head += "\(line)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        self.host = host
        self.port = port
        request = Array(head.utf8) + body
    }
}
let targets = arguments.enumerated().map { Target(url: $1, suffix: $0 == 0 ? "" : "2") }

/// A request sent or waiting to be: its number in the schedule and when it was due.
struct Due {
    let number: Int
    let time: UInt64
}

/// What became of each request, by its number; written by the one thread.
struct Tally {
    static let none = UInt64.max
    /// Nanoseconds from due to the whole answer read; `none` when it never came.
    var latency: [UInt64]
    /// Nanoseconds from due to written; `none` when never sent.
    var lag: [UInt64]
    var status: [UInt16]

    init(count: Int) {
        latency = Array(repeating: Self.none, count: count)
        lag = Array(repeating: Self.none, count: count)
        status = Array(repeating: 0, count: count)
    }
}

/// One keep-alive connection: a non-blocking socket in the epoll set, the answer being read, the
/// request in flight and those due behind it.
final class Connection {
    let index: Int
    private let target: Target
    private(set) var fd: Int32 = -1
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    private var filled = 0
    private(set) var inFlight: Due?
    private var waiting: [Due] = []
    private var firstWaiting = 0

    init(index: Int, target: Target) {
        self.index = index
        self.target = target
    }

    var isIdle: Bool { inFlight == nil && firstWaiting == waiting.count }

    /// Sends now, or queues behind the request in flight.
    func dispatch(_ due: Due, epoll: Int32, tally: inout Tally) {
        if inFlight == nil { send(due, epoll: epoll, tally: &tally) } else { waiting.append(due) }
    }

    private func send(_ due: Due, epoll: Int32, tally: inout Tally) {
        guard fd >= 0 || open(epoll: epoll) else { return }
        let sentAt = nanosecondsNow()
        var offset = 0
        while offset < target.request.count {
            let written = target.request[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard written > 0 else {
                // A request of a few hundred bytes into an idle connection's empty send buffer
                // is written whole; anything else means the connection is gone.
                reset()
                return
            }
            offset += written
        }
        tally.lag[due.number] = sentAt &- min(sentAt, due.time)
        inFlight = due
    }

    /// Reads what arrived; records each whole answer and sends the next waiting request.
    func readable(epoll: Int32, tally: inout Tally) {
        while true {
            if filled == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
            let count = buffer[filled...].withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                filled += count
                continue
            }
            if count < 0, cl_errno() == EAGAIN { break }
            // Closed or failed: the request in flight is lost; the next one reconnects.
            inFlight = nil
            reset()
            sendNext(epoll: epoll, tally: &tally)
            return
        }
        while let (status, length) = answer() {
            let now = nanosecondsNow()
            buffer.withUnsafeMutableBytes { raw in _ = memmove(raw.baseAddress!, raw.baseAddress! + length, filled - length) }
            filled -= length
            guard let due = inFlight else { fail("an answer nobody asked for on connection \(index)") }
            tally.latency[due.number] = now &- min(now, due.time)
            tally.status[due.number] = UInt16(clamping: status)
            inFlight = nil
            sendNext(epoll: epoll, tally: &tally)
        }
    }

    private func sendNext(epoll: Int32, tally: inout Tally) {
        guard inFlight == nil, firstWaiting < waiting.count else { return }
        let due = waiting[firstWaiting]
        firstWaiting += 1
        if firstWaiting == waiting.count { waiting.removeAll(keepingCapacity: true); firstWaiting = 0 }
        send(due, epoll: epoll, tally: &tally)
    }

    /// Status and length of the whole answer at the front of the buffer, once all of it is in.
    private func answer() -> (Int, Int)? {
        buffer.withUnsafeBytes { raw -> (Int, Int)? in
            let bytes = raw.bindMemory(to: UInt8.self)
            var end = -1
            var i = 3
            while i < filled {
                if bytes[i] == 0x0A, bytes[i - 1] == 0x0D, bytes[i - 2] == 0x0A, bytes[i - 3] == 0x0D { end = i + 1; break }
                i += 1
            }
            guard end > 0 else { return nil }
            guard end >= 12, bytes[0] == UInt8(ascii: "H") else { fail("not an HTTP answer on connection \(index)") }
            let status = (Int(bytes[9]) - 48) * 100 + (Int(bytes[10]) - 48) * 10 + (Int(bytes[11]) - 48)
            var contentLength = 0
            var line = 0
            while line < end {
                var next = line
                while next < end, bytes[next] != 0x0A { next += 1 }
                if Self.starts(bytes, at: line, upTo: next, with: "transfer-encoding:") { fail("chunked answers are not supported") }
                if Self.starts(bytes, at: line, upTo: next, with: "content-length:") {
                    var digit = line + 15
                    while digit < next, bytes[digit] == 0x20 { digit += 1 }
                    while digit < next, bytes[digit] >= 0x30, bytes[digit] <= 0x39 {
                        contentLength = contentLength * 10 + Int(bytes[digit] - 0x30)
                        digit += 1
                    }
                }
                line = next + 1
            }
            return filled >= end + contentLength ? (status, end + contentLength) : nil
        }
    }

    private static func starts(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, upTo end: Int, with name: StaticString) -> Bool {
        let count = name.utf8CodeUnitCount
        guard end - start >= count else { return false }
        for offset in 0..<count where bytes[start + offset] | 0x20 != name.utf8Start[offset] { return false }
        return true
    }

    /// Connects (blocking: on loopback that is immediate), then joins the epoll set non-blocking.
    func open(epoll: Int32) -> Bool {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(target.port).bigEndian)
        inet_pton(AF_INET, target.host == "localhost" ? "127.0.0.1" : target.host, &address.sin_addr)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0, fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0, cl_epoll_add(epoll, fd, UInt64(index)) == 0 else {
            reset()
            return false
        }
        return true
    }

    private func reset() {
        if fd >= 0 { close(fd) }
        fd = -1
        filled = 0
    }
}

let epoll = epoll_create1(CL_EPOLL_CLOEXEC)
let timer = timerfd_create(CLOCK_MONOTONIC, CL_TFD_NONBLOCK | CL_TFD_CLOEXEC)
guard epoll >= 0, timer >= 0, cl_epoll_add(epoll, timer, UInt64.max) == 0 else { fail("epoll: errno \(cl_errno())") }
_ = cl_set_timer_slack(1_000)

// Connection c of target t is connections[c * targets.count + t]: request j goes to target
// j mod targets, and on it round-robin over its connections.
let connections = (0..<connectionCount * targets.count).map { Connection(index: $0, target: targets[$0 % targets.count]) }
// Connected before the clock starts, so the first requests do not pay for the handshake.
for connection in connections where !connection.open(epoll: epoll) { fail("cannot connect for connection \(connection.index)") }
let total = Int((warmup + duration) * rate)
var tally = Tally(count: total)
var events = [UInt8](repeating: 0, count: cl_epoll_event_size() * (connections.count + 1))
let start = nanosecondsNow() + 100_000_000
let measureFrom = start + UInt64(warmup * 1e9)
func dueTime(_ j: Int) -> UInt64 { start + UInt64(Double(j) / rate * 1e9) }
var next = 0
var deadline = UInt64.max
while true {
    let now = nanosecondsNow()
    while next < total, dueTime(next) <= now {
        connections[next % connections.count].dispatch(Due(number: next, time: dueTime(next)), epoll: epoll, tally: &tally)
        next += 1
    }
    if next < total {
        guard cl_timerfd_at(timer, dueTime(next)) == 0 else { fail("timerfd: errno \(cl_errno())") }
    } else {
        if deadline == .max { deadline = now + 5_000_000_000 }
        if connections.allSatisfy(\.isIdle) || now >= deadline { break }
    }
    let timeout: Int32 = next < total ? -1 : Int32(max(1, (deadline - min(deadline, now)) / 1_000_000))
    let ready = events.withUnsafeMutableBytes { epoll_wait(epoll, $0.baseAddress!.assumingMemoryBound(to: epoll_event.self), Int32(connections.count + 1), timeout) }
    if ready < 0, cl_errno() == EINTR { continue }
    guard ready >= 0 else { fail("epoll_wait: errno \(cl_errno())") }
    for slot in 0..<Int(ready) {
        let data = events.withUnsafeBytes { cl_epoll_event_data($0.baseAddress!.advanced(by: slot * cl_epoll_event_size()).assumingMemoryBound(to: epoll_event.self)) }
        if data == UInt64.max {
            var expirations: UInt64 = 0
            _ = read(timer, &expirations, 8)
        } else {
            connections[Int(data)].readable(epoll: epoll, tally: &tally)
        }
    }
}

/// The measured requests (due after the warm-up) of target `t`.
func measured(_ t: Int) -> [Int] { (0..<total).filter { $0 % targets.count == t && dueTime($0) >= measureFrom } }
func percentile(_ sorted: [UInt64], _ p: Double) -> Double { Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1000 }
var p50s: [Double] = []
for t in targets.indices {
    let numbers = measured(t)
    let latencies = numbers.map { tally.latency[$0] }.filter { $0 != Tally.none }.sorted()
    let lags = numbers.map { tally.lag[$0] }.filter { $0 != Tally.none }.sorted()
    let errors = numbers.count { tally.status[$0] == 0 || tally.status[$0] >= 400 }
    guard !latencies.isEmpty else { fail("no answers from \(arguments[t])") }
    p50s.append(percentile(latencies, 0.5))
    print(String(format: "%@sent %d\terrors %d\trate %.0f/s\tp50 %.0f us\tp90 %.0f us\tp99 %.0f us\tmax %.0f us\tlag50 %.0f us\tlag99 %.0f us",
                 targets.count > 1 ? "\(t + 1)\t" : "", numbers.count, errors, Double(latencies.count) / duration,
                 percentile(latencies, 0.5), percentile(latencies, 0.9), percentile(latencies, 0.99),
                 Double(latencies.last!) / 1000, percentile(lags, 0.5), percentile(lags, 0.99)))
}
if targets.count == 2 {
    // Request 2k on the first URL against 2k+1 on the second, 1/RATE apart: pairs both answered.
    let pairs = measured(0).compactMap { j -> Double? in
        guard j + 1 < total, tally.latency[j] != Tally.none, tally.latency[j + 1] != Tally.none else { return nil }
        return Double(tally.latency[j]) / 1000 - Double(tally.latency[j + 1]) / 1000
    }.sorted()
    guard !pairs.isEmpty else { fail("no pair answered on both") }
    print(String(format: "added\tp50 difference %.0f us\tmedian paired difference %.0f us\tpairs %d",
                 p50s[0] - p50s[1], pairs[pairs.count / 2], pairs.count))
}

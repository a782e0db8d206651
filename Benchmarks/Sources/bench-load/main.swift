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
// p50s and the median of the differences within each pair (`added`), which a slow spell of the
// machine shifts far less than two runs one after the other. A third URL (a reference, such as
// a bare relay in front of the second) joins the rotation: request 3k goes to the first, 3k+1
// to the second, 3k+2 to the third, and two more lines compare within each such triple: the
// third against the second (`added3`) and the first against the third (`beyond3`).
//
//   bench-load http://127.0.0.1:8080/path [http://…/other [http://…/reference]]   env: RATE
//   (default 200, all URLs together), CONNS (64 per URL), DURATION (10 s), WARMUP (2 s), METHOD
//   (GET), BODY, HEADERS ("Name: value" lines); METHOD2, BODY2, HEADERS2 for the second URL,
//   METHOD3, BODY3, HEADERS3 for the third
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
guard (1...3).contains(arguments.count) else { fail("usage: bench-load http://HOST:PORT/path [http://HOST:PORT/other [http://HOST:PORT/reference]]") }
let rate = environment("RATE").flatMap(Double.init) ?? 200
let connectionCount = environment("CONNS").flatMap(Int.init) ?? 64
let duration = environment("DURATION").flatMap(Double.init) ?? 10
let warmup = environment("WARMUP").flatMap(Double.init) ?? 2
guard rate > 0, connectionCount > 0, duration > 0, warmup >= 0 else { fail("RATE, CONNS and DURATION must be positive") }

let targets = arguments.enumerated().map { Target(url: $1, suffix: $0 == 0 ? "" : String($0 + 1)) }

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
/// Target `a` against target `b` within each round of the rotation (request j of `a` against the
/// request of `b` in j's round, |a − b|/RATE apart), over the rounds where both were answered:
/// the difference of their p50s, the median of the differences, and how many rounds.
@MainActor func compare(_ a: Int, _ b: Int) -> (p50: Double, median: Double, pairs: Int) {
    let pairs = measured(a).compactMap { j -> Double? in
        let other = j - a + b
        guard other >= 0, other < total, tally.latency[j] != Tally.none, tally.latency[other] != Tally.none else { return nil }
        return Double(tally.latency[j]) / 1000 - Double(tally.latency[other]) / 1000
    }.sorted()
    guard !pairs.isEmpty else { fail("no round answered on both \(arguments[a]) and \(arguments[b])") }
    return (p50s[a] - p50s[b], pairs[pairs.count / 2], pairs.count)
}
let comparisons = [(0, 1, "added"), (2, 1, "added3"), (0, 2, "beyond3")].filter { $0.0 < targets.count && $0.1 < targets.count }
for (a, b, name) in comparisons {
    let (p50, median, pairs) = compare(a, b)
    print(String(format: "%@\tp50 difference %.0f us\tmedian paired difference %.0f us\tpairs %d", name, p50, median, pairs))
}

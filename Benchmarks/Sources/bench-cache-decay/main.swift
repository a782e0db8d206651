// How long this machine's caches keep a process's data while it sleeps. A buffer of SIZE_KB
// (default 64) is walked as one random cycle of 64-byte lines, each load depending on the one
// before (as a request's pointer chasing does), after sleeping each of SLEEPS_US (default
// 0,1000,2000,3000,5000,10000,20000) µs; 201 walks each, the median reported in ns per line.
// About 1.5 ns a line means the data stayed in L1/L2, ~15 ns in L3, ~100 ns that it came back
// from memory. On the VM these benchmarks ran on, 3 ms of sleep already cost ~80 ns a line:
// at 100 req/s every request meets caches as cold as after a reboot (Benchmarks/README.md).
//   taskset -c 0 Benchmarks/.build-release/release/bench-cache-decay
import Glibc

func environmentList(_ name: String, default value: [Int]) -> [Int] {
    guard let raw = getenv(name) else { return value }
    let parsed = String(cString: raw).split(separator: ",").compactMap { Int($0) }
    return parsed.isEmpty ? value : parsed
}

func monotonicNanoseconds() -> Int {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return time.tv_sec * 1_000_000_000 + time.tv_nsec
}

let sizeKB = max(1, environmentList("SIZE_KB", default: [64]).first!)
let sleeps = environmentList("SLEEPS_US", default: [0, 1000, 2000, 3000, 5000, 10000, 20000])
let lineCount = sizeKB * 1024 / 64
let buffer = UnsafeMutableRawPointer.allocate(byteCount: lineCount * 64, alignment: 64)
defer { buffer.deallocate() }

// One cycle through every line in a random order: each line holds the offset of the next.
var order = Array(0..<lineCount)
var generator = SystemRandomNumberGenerator()
order.shuffle(using: &generator)
for position in 0..<lineCount {
    let next = order[(position + 1) % lineCount] * 64
    buffer.storeBytes(of: next, toByteOffset: order[position] * 64, as: Int.self)
}

print("bench-cache-decay: \(sizeKB) KiB, \(lineCount) lines walked in a dependent random order, 201 walks per sleep")
var sink = 0
for sleep in sleeps {
    var walks: [Int] = []
    for _ in 0..<201 {
        if sleep > 0 { usleep(UInt32(sleep)) }
        let start = monotonicNanoseconds()
        var offset = order[0] * 64
        for _ in 0..<lineCount { offset = buffer.load(fromByteOffset: offset, as: Int.self) }
        walks.append(monotonicNanoseconds() - start)
        sink &+= offset
    }
    walks.sort()
    let median = walks[walks.count / 2]
    let perLine = Double(median) / Double(lineCount)
    print("after \(sleep) µs asleep: \((perLine * 10).rounded() / 10) ns a line (median walk \(median / 1000) µs)")
}
if sink == 42 { print("") }  // keeps the walks from being optimized away

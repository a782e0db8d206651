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

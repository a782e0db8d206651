/// SplitMix64: a tiny deterministic generator, so a seed always gives the same seeded data.
struct OzonRandom: Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool {
        Double(next() >> 11) / Double(1 << 53) < p
    }

    mutating func pick<T>(_ items: [T]) -> T {
        items[int(in: 0...(items.count - 1))]
    }

    /// A UUID string; version 7 (time-ordered, like Ozon's review and question ids) when
    /// `milliseconds` is given, version 4 otherwise.
    mutating func uuid(milliseconds: Int64? = nil) -> String {
        var high = next()
        var low = next()
        if let milliseconds {
            high = UInt64(truncatingIfNeeded: milliseconds) << 16 | (high & 0x0FFF) | 0x7000
        } else {
            high = (high & 0xFFFF_FFFF_FFFF_0FFF) | 0x4000
        }
        low = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        let hex = Self.hex(high, 16) + Self.hex(low, 16)
        let c = Array(hex)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-" + String(c[20..<32])
    }

    private static func hex(_ value: UInt64, _ width: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

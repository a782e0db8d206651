/// SplitMix64: a small, fast generator whose whole output follows from its seed, so that seeded
/// data (ids, texts, dates) is the same on every run.
public struct WildberriesSeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose every output follows from `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A 20-character base62 id, like Wildberries' feedback and question ids.
    mutating func recordID() -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        return String((0..<20).map { _ in alphabet[Int(next() % 62)] })
    }

    /// A random (version 4 shaped) UUID in lower case.
    mutating func uuid() -> String {
        let hex = Array("0123456789abcdef")
        var chars = (0..<32).map { _ in hex[Int(next() % 16)] }
        chars[12] = "4"
        chars[16] = hex[8 + Int(next() % 4)]
        let s = String(chars)
        func part(_ from: Int, _ to: Int) -> Substring {
            s[s.index(s.startIndex, offsetBy: from)..<s.index(s.startIndex, offsetBy: to)]
        }
        return "\(part(0, 8))-\(part(8, 12))-\(part(12, 16))-\(part(16, 20))-\(part(20, 32))"
    }

    /// `count` lower-case hex digits.
    mutating func hex(_ count: Int) -> String {
        let hex = Array("0123456789abcdef")
        return String((0..<count).map { _ in hex[Int(next() % 16)] })
    }

    mutating func pick<T>(_ values: [T]) -> T {
        values[Int(next() % UInt64(values.count))]
    }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool {
        Double(next() >> 11) / Double(1 << 53) < p
    }
}

import Hashing
import HTTP
import Synchronization

/// Request ids unique per process, and across restarts and replicas with high probability: a
/// random 64-bit prefix fixed at start-up and a counter, both in hex (`3f9c…-1a`). Not secret:
/// within a process they count up, and nothing relies on their being unguessable.
final class RequestIDGenerator: Sendable {
    /// The prefix's digits and the dash.
    private let prefix: [UInt8]
    private let counter = Atomic<UInt64>(0)

    init() {
        prefix = Array((String(UInt64.random(in: .min ... .max), radix: 16) + "-").utf8)
    }

    /// Written into the string's own buffer: joining three strings, one of them from the generic
    /// `String(_:radix:)`, cost as much as routing the request.
    func next() -> String {
        let n = counter.wrappingAdd(1, ordering: .relaxed).newValue
        let digits = max(1, (UInt64.bitWidth - n.leadingZeroBitCount + 3) / 4)
        return String(unsafeUninitializedCapacity: prefix.count + digits) { buffer in
            let start = buffer.initialize(fromContentsOf: prefix)
            var rest = n
            for index in stride(from: start + digits - 1, through: start, by: -1) {
                buffer[index] = Hex.digit(rest)
                rest >>= 4
            }
            return start + digits
        }
    }
}

/// Compares two byte strings in time that depends only on their lengths, so a caller checking a
/// secret (an API key hash, a cursor's MAC) does not leak how many leading bytes matched.
@inlinable
public func constantTimeEqual<A: Collection, B: Collection>(_ a: A, _ b: B) -> Bool
where A.Element == UInt8, B.Element == UInt8 {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for (x, y) in zip(a, b) { difference |= x ^ y }
    return difference == 0
}

/// The same for arrays, over contiguous memory: the form every key and MAC check uses.
@inlinable
public func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    return a.withUnsafeBufferPointer { x in
        b.withUnsafeBufferPointer { y in
            var difference: UInt8 = 0
            for index in 0..<x.count { difference |= x[index] ^ y[index] }
            return difference == 0
        }
    }
}

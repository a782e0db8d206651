/// HMAC-SHA-256 (RFC 2104): keys the tamper-evident cursors and anything else that must prove it
/// came from this server.
///
/// A value with no heap storage: keyed once, it can be copied for each message, which skips
/// hashing the two key pads again (`CursorCodec` keeps one per key).
public struct HMAC: Sendable {
    private var inner: SHA256
    /// The outer hash with the key pad already in it.
    private var outer: SHA256

    public init<Key: Collection>(key: Key) where Key.Element == UInt8 {
        var block = key.count > 64 ? SHA256.hash(key) : Array(key)
        block += [UInt8](repeating: 0, count: 64 - block.count)
        inner = SHA256()
        inner.update(block.map { $0 ^ 0x36 })
        outer = SHA256()
        outer.update(block.map { $0 ^ 0x5c })
    }

    /// The authentication code of `message` under `key` in one call.
    public static func authenticationCode<Key: Collection, Message: Sequence>(for message: Message, key: Key) -> [UInt8]
    where Key.Element == UInt8, Message.Element == UInt8 {
        var mac = HMAC(key: key)
        mac.update(message)
        return mac.finalize()
    }

    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        inner.update(bytes)
    }

    public mutating func finalize() -> [UInt8] {
        outer.update(inner.finalize())
        return outer.finalize()
    }
}

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

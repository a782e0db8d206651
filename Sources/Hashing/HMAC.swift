/// HMAC-SHA-256 (RFC 2104): keys the tamper-evident cursors and anything else that must prove it
/// came from this server.
///
/// A value with no heap storage: keyed once, it can be copied for each message, which skips
/// hashing the two key pads again (`CursorCodec` keeps one per key).
public struct HMAC: Sendable {
    private var inner: SHA256
    /// The outer hash with the key pad already in it.
    private var outer: SHA256

    /// Keyed with `key` (hashed first when longer than SHA-256's 64-byte block, as RFC 2104
    /// says); copy the value to authenticate each message without keying again.
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

    /// Adds the next bytes of the message.
    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        inner.update(bytes)
    }

    /// The 32-byte authentication code of the message added so far; the value is spent after it.
    public mutating func finalize() -> [UInt8] {
        outer.update(inner.finalize())
        return outer.finalize()
    }
}

import Connectors

/// An event a reader of the chat stream has consumed past its watermark while a second at or
/// below it could still be written into (see `WildberriesEventPosition.ahead`): its time and the
/// key of its id, so that reading that stretch again recognises it.
struct WildberriesAheadEvent: Equatable, Hashable, Sendable {
    /// `addTimestamp`, unix ms.
    var at: Int64
    /// `CursorKeys.key` of its `eventID`.
    var key: UInt32

    init(at: Int64, key: UInt32) {
        self.at = at
        self.key = key
    }

    init(_ event: WildberriesChatEvent) {
        self.init(at: event.addTimestamp, key: CursorKeys.key(event.eventID))
    }

    /// The bytes `encode` gives `events` after `base`: each event's time as the difference from
    /// the one before it (from `base` for the first; zigzag, seven bits a byte), then its key's
    /// four bytes. Events of one second take five bytes each, a second further on six.
    static func encodedCount(_ events: [WildberriesAheadEvent], after base: Int64) -> Int {
        var count = 0
        var previous = base
        for event in events {
            count += varintCount(zigzag(event.at &- previous)) + 4
            previous = event.at
        }
        return count
    }

    /// `events` as base64url (see `encodedCount`); nil when there are none.
    static func encode(_ events: [WildberriesAheadEvent], after base: Int64) -> String? {
        guard !events.isEmpty else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(encodedCount(events, after: base))
        var previous = base
        for event in events {
            var value = zigzag(event.at &- previous)
            while value >= 0x80 {
                bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
                value >>= 7
            }
            bytes.append(UInt8(value))
            CursorKeys.append(event.key, to: &bytes)
            previous = event.at
        }
        return Base64URL.encode(bytes)
    }

    /// The events `encode` wrote after `base`, or nil when `text` is not that.
    static func decode(_ text: Substring, after base: Int64) -> [WildberriesAheadEvent]? {
        guard let bytes = Base64URL.decode(text) else { return nil }
        var events: [WildberriesAheadEvent] = []
        var previous = base
        var index = 0
        while index < bytes.count {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard index < bytes.count, shift < 64 else { return nil }
                let byte = bytes[index]
                index += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { break }
                shift += 7
            }
            guard index + 4 <= bytes.count else { return nil }
            let delta = Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
            previous &+= delta
            events.append(WildberriesAheadEvent(at: previous, key: CursorKeys.key(in: bytes, at: index)))
            index += 4
        }
        return events
    }

    private static func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    private static func varintCount(_ value: UInt64) -> Int {
        var count = 1
        var rest = value >> 7
        while rest > 0 {
            count += 1
            rest >>= 7
        }
        return count
    }
}

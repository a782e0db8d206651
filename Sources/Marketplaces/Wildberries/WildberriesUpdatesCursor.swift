import Connectors

/// Where a feedback or question sync stands, for each `isAnswered` side. Wildberries has no
/// "changed since": a record is found by its creation second (`dateFrom`, inclusive, whole
/// seconds), and one can become visible after newer ones were reported (moderation, the host's
/// replication). So each read starts an overlap before the newest second reported, and the
/// cursor keeps a short key of every record it reported from there on (`kept`), to report only
/// the records it has not. The window is the last `overlap` seconds or the whole seconds of at
/// most the last `keptLimit` records reported, whichever is shorter: a record that shows up
/// later than that is not reported.
///
/// Only when one second holds more records than the cursor keeps does the window start inside
/// it: `letGo` counts the ones reported there and no longer kept, and the next read skips them
/// by offset (the records of one second come in the same order each time), checked by the kept
/// ones that must follow.
struct WildberriesUpdatesCursor: Equatable {
    struct Side: Equatable {
        /// A record reported: its creation second and a 32-bit key of its id.
        struct Entry: Equatable {
            var second: Int64
            var key: UInt32
        }

        /// `dateFrom` of the next read; nil until the window has moved past the oldest record.
        var from: Int64?
        /// The records reported at or after `from` (but for the first `letGo` of its second),
        /// oldest first.
        var kept: [Entry] = []
        /// Records at `from` reported and no longer kept: the next read skips them.
        var letGo = 0
        /// The side's last read reported all it held: a call refused this side for the rate may
        /// still say there is nothing more.
        var drained = false
        /// The newest creation second the side's last read to its end saw whole: a second
        /// before Wildberries' time of that answer (its `Date`), or, without one, `clockMargin`
        /// before this machine's time then.
        var readThrough: Int64?

        /// The newest creation second reported.
        var newest: Int64? { kept.last?.second ?? from }

        /// The newest creation second at or before which the side has no record it has not
        /// reported (late ones aside): its newest reported second, or, once read to its end,
        /// what that read saw whole.
        var reportedThrough: Int64 {
            var through = newest ?? .min
            if drained, let readThrough { through = max(through, readThrough) }
            return through
        }

        /// Whether the record is not among those reported.
        func isNew(id: String, second: Int64) -> Bool {
            if let from, second < from { return false }
            let key = CursorKeys.key(id)
            return !kept.contains { $0.key == key }
        }

        /// The records kept at the window's first second: a read that skips `letGo` begins with them.
        var keptAtFrom: [UInt32] {
            guard let from else { return [] }
            return kept.prefix { $0.second == from }.map(\.key)
        }

        /// Notes a record reported; the window keeps its start until `trim`, so that a page's
        /// late records of one second are all taken, not the second given up after the first.
        mutating func note(id: String, second: Int64) {
            let index = kept.lastIndex { $0.second <= second }.map { $0 + 1 } ?? 0
            kept.insert(Entry(second: second, key: CursorKeys.key(id)), at: index)
        }

        /// Brings the window within the last `overlap` seconds and `limit` keys.
        mutating func trim(overlap: Int64, limit: Int) {
            if let newest = kept.last?.second, let oldest = kept.first?.second, oldest < newest - overlap {
                let floor = newest - overlap
                kept.removeAll { $0.second < floor }
                from = floor
                letGo = 0
            }
            while kept.count > limit, let oldest = kept.first?.second {
                if kept.last?.second == oldest {
                    // One second holds more than the cursor keeps: the first ones are let go
                    // of by count, and skipped by offset.
                    kept.removeFirst()
                    letGo = from == oldest ? letGo + 1 : 1
                    from = oldest
                } else {
                    // The window starts at a whole second: an offset into a second shifts as
                    // soon as one of its records is answered or a late one joins it.
                    kept.removeAll { $0.second == oldest }
                    from = oldest + 1
                    letGo = 0
                }
            }
        }

        /// The window's first second holds more records than the host's offset caps let a read
        /// reach past: the window starts after it.
        mutating func passFirstSecond() {
            forgetFirstSecond()
            from = from.map { $0 + 1 }
        }

        /// The records of the window's first second are no longer where the cursor counted them
        /// (one left, or joined): they are read again from the second's start, as not reported.
        mutating func forgetFirstSecond() {
            guard let first = from else { return }
            kept.removeAll { $0.second == first }
            letGo = 0
        }
    }

    /// How long after the newest record reported an older one may still show up and be reported.
    static let overlap: Int64 = 3600
    /// Records kept per side: the window is shorter than `overlap` when more were reported in it.
    /// Two sides' keys fit a cursor within `CursorCodec.maxLength`.
    static let keptLimit = 48

    var unanswered = Side()
    var answered = Side()
    /// The answered side is read first: the last call was refused it for the rate (a base
    /// token's budget, one request in 12 minutes), and it must not wait behind the other for good.
    /// Once it has been read, the next call goes back to the usual order.
    var answeredFirst = false
    /// How far before this machine's time a read to the end is taken to have seen whole when
    /// Wildberries gave no `Date`: a clock ahead of Wildberries' by less than this claims no more.
    static let clockMargin: Int64 = 120

    init() {}

    init(_ cursor: Cursor) throws(ConnectorError) {
        switch cursor["v"] {
        case "u2":
            unanswered = try Self.side(cursor, "u")
            answered = try Self.side(cursor, "a")
            answeredFirst = cursor["f"] == "a"
        case "u1":
            unanswered = try Self.legacySide(cursor, "u")
            answered = try Self.legacySide(cursor, "a")
        default:
            throw WildberriesCursorFields.invalid()
        }
    }

    /// A side: `from`, `letGo`, and the kept entries packed as (varint seconds after the one
    /// before, or after `from`; 4-byte key), base64url.
    private static func side(_ cursor: Cursor, _ key: String) throws(ConnectorError) -> Side {
        var side = Side(from: try WildberriesCursorFields.int64(cursor, key))
        side.drained = cursor[key + "d"] == "1"
        side.readThrough = try WildberriesCursorFields.int64(cursor, key + "t")
        let letGo = try WildberriesCursorFields.int64(cursor, key + "n") ?? 0
        guard letGo >= 0, letGo <= Int64(Int32.max) else { throw WildberriesCursorFields.invalid() }
        side.letGo = Int(letGo)
        if let text = cursor[key + "k"] {
            guard let bytes = Base64URL.decode(Substring(text)) else { throw WildberriesCursorFields.invalid() }
            var index = 0
            var second = side.from ?? 0
            while index < bytes.count {
                var delta: Int64 = 0
                var shift: Int64 = 0
                repeat {
                    guard index < bytes.count, shift < 63 else { throw WildberriesCursorFields.invalid() }
                    delta |= Int64(bytes[index] & 0x7F) << shift
                    shift += 7
                    index += 1
                } while bytes[index - 1] & 0x80 != 0
                guard index + 4 <= bytes.count, delta >= 0, delta < 1 << 40 else { throw WildberriesCursorFields.invalid() }
                second += delta
                side.kept.append(Side.Entry(second: second, key: CursorKeys.key(in: bytes, at: index)))
                index += 4
            }
        }
        guard side.kept.count <= keptLimit, side.letGo == 0 || side.from != nil else { throw WildberriesCursorFields.invalid() }
        return side
    }

    /// A side of the cursors of earlier versions ("u1"): the watermark second and the ids
    /// reported at it, with their count when more than the ids.
    private static func legacySide(_ cursor: Cursor, _ key: String) throws(ConnectorError) -> Side {
        let seen = WildberriesCursorFields.ids(cursor, key + "e")
        let count = try WildberriesCursorFields.int64(cursor, key + "n") ?? Int64(seen.count)
        guard count >= Int64(seen.count), count <= Int64(Int32.max) else { throw WildberriesCursorFields.invalid() }
        guard let second = try WildberriesCursorFields.int64(cursor, key) else { return Side() }
        return Side(from: second, kept: seen.map { Side.Entry(second: second, key: CursorKeys.key($0)) },
                    letGo: Int(count) - seen.count)
    }

    var cursor: Cursor {
        var state = ["v": "u2"]
        if answeredFirst { state["f"] = "a" }
        for (key, side) in [("u", unanswered), ("a", answered)] {
            state[key] = side.from.map(String.init)
            if side.letGo > 0 { state[key + "n"] = String(side.letGo) }
            if side.drained { state[key + "d"] = "1" }
            if side.drained, let readThrough = side.readThrough { state[key + "t"] = String(readThrough) }
            guard !side.kept.isEmpty else { continue }
            var bytes: [UInt8] = []
            var second = side.from ?? 0
            for entry in side.kept {
                var delta = UInt64(entry.second - second)
                second = entry.second
                while delta >= 0x80 {
                    bytes.append(UInt8(delta & 0x7F) | 0x80)
                    delta >>= 7
                }
                bytes.append(UInt8(delta))
                CursorKeys.append(entry.key, to: &bytes)
            }
            state[key + "k"] = Base64URL.encode(bytes)
        }
        return Cursor(state)
    }

    subscript(answeredSide: Bool) -> Side {
        get { answeredSide ? answered : unanswered }
        set { if answeredSide { answered = newValue } else { unanswered = newValue } }
    }
}

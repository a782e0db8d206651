import Connectors

/// Where a feedback or question sync stands, for each `isAnswered` side: the creation second up
/// to which everything was reported (the watermark) and the ids reported at that second, so the
/// next call can ask from the watermark again (`dateFrom` is inclusive and in whole seconds)
/// without reporting them twice. When more records share that second than the cursor keeps ids
/// of, `count` says how many were reported there, and the next call skips the ones let go of by
/// offset (the records of one second come in the same order each time) instead of reporting
/// them again, and instead of asking for that second's first page forever.
struct WildberriesUpdatesCursor: Equatable {
    struct Side: Equatable {
        var second: Int64?
        var seen: [String] = []
        /// Records reported at `second`; more than `seen` holds once ids were let go of.
        var count = 0

        /// Whether the record is new past the watermark.
        func isNew(id: String, second recordSecond: Int64) -> Bool {
            guard let second else { return true }
            return recordSecond > second || (recordSecond == second && !seen.contains(id))
        }

        mutating func advance(id: String, second recordSecond: Int64) {
            if recordSecond == second {
                seen.append(id)
                count += 1
            } else {
                second = recordSecond
                seen = [id]
                count = 1
            }
        }

        /// Records at the watermark's second reported before and no longer known by id: the
        /// next page starts past them.
        var letGo: Int { count - seen.count }
    }

    /// Ids kept per side: more than ever share one second in practice.
    static let edgeLimit = 24

    var unanswered = Side()
    var answered = Side()

    init() {}

    init(_ cursor: Cursor) throws(ConnectorError) {
        guard cursor["v"] == "u1" else { throw WildberriesCursorFields.invalid() }
        unanswered = try Self.side(cursor, "u")
        answered = try Self.side(cursor, "a")
    }

    private static func side(_ cursor: Cursor, _ key: String) throws(ConnectorError) -> Side {
        let seen = WildberriesCursorFields.ids(cursor, key + "e")
        let count = try WildberriesCursorFields.int64(cursor, key + "n") ?? Int64(seen.count)
        guard count >= Int64(seen.count), count <= Int64(Int32.max) else { throw WildberriesCursorFields.invalid() }
        return Side(second: try WildberriesCursorFields.int64(cursor, key), seen: seen, count: Int(count))
    }

    var cursor: Cursor {
        var state = ["v": "u1"]
        for (key, side) in [("u", unanswered), ("a", answered)] {
            state[key] = side.second.map(String.init)
            state[key + "e"] = WildberriesCursorFields.join(side.seen, limit: Self.edgeLimit)
            if side.count > min(side.seen.count, Self.edgeLimit) { state[key + "n"] = String(side.count) }
        }
        return Cursor(state)
    }

    subscript(answeredSide: Bool) -> Side {
        get { answeredSide ? answered : unanswered }
        set { if answeredSide { answered = newValue } else { unanswered = newValue } }
    }
}

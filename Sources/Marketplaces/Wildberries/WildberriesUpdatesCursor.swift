import Connectors

/// Where a feedback or question sync stands, for each `isAnswered` side: the creation second up
/// to which everything was reported (the watermark) and the ids reported at that second, so the
/// next call can ask from the watermark again (`dateFrom` is inclusive and in whole seconds)
/// without reporting them twice.
struct WildberriesUpdatesCursor: Equatable {
    struct Side: Equatable {
        var second: Int64?
        var seen: [String] = []

        /// Whether the record is new past the watermark.
        func isNew(id: String, second recordSecond: Int64) -> Bool {
            guard let second else { return true }
            return recordSecond > second || (recordSecond == second && !seen.contains(id))
        }

        mutating func advance(id: String, second recordSecond: Int64) {
            if recordSecond == second {
                seen.append(id)
            } else {
                second = recordSecond
                seen = [id]
            }
        }
    }

    /// Ids kept per side: more than ever share one second in practice.
    static let edgeLimit = 24

    var unanswered = Side()
    var answered = Side()

    init() {}

    init(_ cursor: Cursor) throws(ConnectorError) {
        guard cursor["v"] == "u1" else { throw WildberriesCursorFields.invalid() }
        unanswered = Side(second: try WildberriesCursorFields.int64(cursor, "u"), seen: WildberriesCursorFields.ids(cursor, "ue"))
        answered = Side(second: try WildberriesCursorFields.int64(cursor, "a"), seen: WildberriesCursorFields.ids(cursor, "ae"))
    }

    var cursor: Cursor {
        var state = ["v": "u1"]
        state["u"] = unanswered.second.map(String.init)
        state["ue"] = WildberriesCursorFields.join(unanswered.seen, limit: Self.edgeLimit)
        state["a"] = answered.second.map(String.init)
        state["ae"] = WildberriesCursorFields.join(answered.seen, limit: Self.edgeLimit)
        return Cursor(state)
    }

    subscript(answeredSide: Bool) -> Side {
        get { answeredSide ? answered : unanswered }
        set { if answeredSide { answered = newValue } else { unanswered = newValue } }
    }
}

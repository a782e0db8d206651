import Connectors

/// The state of chat updates between calls. Ozon's chat message ids grow over time across an
/// account's chats, so a chat has news when its `last_message_id` is above the watermark `mark`
/// and is not the message `edge` says was already reported for it.
///
/// The watermark trails what was reported: `edge` keeps the most recently reported chats (up to
/// `maxEdge`) with their last message ids, and `mark` only rises as far as the newest chat that no
/// longer fits in `edge`. A message whose id was issued before a newer one elsewhere but that shows
/// in the list only later (ids are handed out and committed by more than one machine) is therefore
/// still caught, unless `maxEdge` newer chat changes were reported in between. A scan that had
/// ids move the mark past it would lose that message for good.
///
/// `top` is the highest last message id the previous call saw. Every message written after that
/// call has a higher id, so the next call may raise the mark that far even when its own first
/// list page shows lower ids (a list not in recency order).
///
/// `sweep` is a read of the chat list still in progress (see `OzonChatSweep`): while it runs,
/// the mark stays where it is.
struct OzonChatWatermark: Sendable, Equatable {
    var mark: UInt64
    var edge: [String: UInt64]
    var top: UInt64
    var sweep: OzonChatSweep?

    /// Cursors must stay short (sealed cursors are at most 2 KB, and an edge entry is a chat id and
    /// a message id, ~60 bytes): this many reported chats are remembered by id.
    static let maxEdge = 20

    init(mark: UInt64 = 0, edge: [String: UInt64] = [:], top: UInt64 = 0) {
        self.mark = mark
        self.edge = edge
        self.top = top
    }

    init(_ cursor: Cursor?) throws(ConnectorError) {
        guard let cursor else {
            self.init()
            return
        }
        guard cursor["k"] == "chat-updates", let mark = UInt64(cursor["w"] ?? "") else { throw Self.invalid }
        var edge: [String: UInt64] = [:]
        for pair in (cursor["e"] ?? "").split(separator: ",") {
            guard let colon = pair.lastIndex(of: ":"), let id = UInt64(pair[pair.index(after: colon)...]),
                  edge.updateValue(id, forKey: String(pair[..<colon])) == nil
            else { throw Self.invalid }
        }
        guard edge.count <= Self.maxEdge else { throw Self.invalid }
        // Cursors issued before `top` was kept have none: 0 leaves the first page's bound alone.
        guard let top = UInt64(cursor["t"] ?? "0") else { throw Self.invalid }
        self.init(mark: mark, edge: edge, top: top)
        sweep = try OzonChatSweep(cursor)
    }

    /// Whether a chat whose last message is `lastMessageID` has news for the holder of this state.
    func isNew(chatID: String, lastMessageID: UInt64) -> Bool {
        lastMessageID > mark && edge[chatID] != lastMessageID
    }

    /// The state after reporting `reported` (chat → last message id), by a call that saw ids up
    /// to `seen`. The edge keeps the newest chats reported (and held before), up to `maxEdge`.
    /// With `continuing`, a sweep that goes on in the next call: the mark stays, and the chats
    /// that no longer fit in the edge are noted in the sweep (`dropped`): each of them has
    /// `maxEdge` newer ones reported, so when the sweep completes the mark may rise that far,
    /// as if all had been reported in one call. A chat let go of while the mark stays is news
    /// again if the sweep meets it later: a repeat, never a loss. Otherwise the sweep is
    /// complete, and `ceiling` is the highest id the mark may reach: a chat the sweep passed
    /// before a message arrived in it must stay above the mark, so the caller passes the sweep's
    /// ceiling (see `OzonChatSweep`), or the old mark when the sweep was cut short. The mark
    /// stays where it is while the chats reported fit in the edge; beyond that it rises to the
    /// newest one left out (never past `ceiling`), and an entry that still does not fit is
    /// dropped, which can repeat that chat but never lose it.
    func advanced(reporting reported: [(String, UInt64)], ceiling: UInt64, seen: UInt64,
                  continuing sweep: OzonChatSweep? = nil) -> OzonChatWatermark {
        var entries = edge
        for (chat, id) in reported { entries[chat] = id }
        let newestFirst = entries.filter { $0.value > mark }.sorted { ($0.value, $0.key) > ($1.value, $1.key) }
        let leftOut = newestFirst.count > Self.maxEdge ? newestFirst[Self.maxEdge].value : nil
        var newMark = mark
        if sweep == nil, let bound = [leftOut, self.sweep?.dropped].compactMap({ $0 }).max() {
            newMark = max(mark, min(ceiling, bound))
        }
        let kept = newestFirst.lazy.filter { $0.value > newMark }.prefix(Self.maxEdge).map { ($0.key, $0.value) }
        var next = OzonChatWatermark(mark: newMark, edge: Dictionary(uniqueKeysWithValues: kept), top: max(top, seen))
        if var sweep {
            if let leftOut { sweep.drop(leftOut) }
            next.sweep = sweep
            next.fitEdge()
        }
        return next
    }

    /// Whether some of `reported` (chat → last message id), or a chat reported up to
    /// `droppedUpTo` and let go of earlier, would be news again under this state.
    func forgets(_ reported: [String: UInt64], droppedUpTo: UInt64?) -> Bool {
        (droppedUpTo ?? 0) > mark || reported.contains { isNew(chatID: $0.key, lastMessageID: $0.value) }
    }

    /// Drops the oldest edge entries while the cursor would be longer than a sealed cursor may
    /// be (a sweep's list position takes room), noting them in the sweep as let go of.
    /// The keys of a page read again are never dropped: each chat whose key went would be
    /// reported again, its key would push another out, and the sweep would never end. A cursor
    /// still too long is refused by the caller (`OzonChatConnector.updates`) instead.
    private mutating func fitEdge() {
        while !edge.isEmpty, CursorCodec.sealedLength(of: cursor) > CursorCodec.maxLength {
            guard let oldest = edge.min(by: { ($0.value, $0.key) < ($1.value, $1.key) }) else { break }
            edge[oldest.key] = nil
            sweep?.drop(oldest.value)
        }
    }

    var cursor: Cursor {
        let edgeText = edge.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
        var fields = ["k": "chat-updates", "w": String(mark), "e": edgeText, "t": String(top)]
        sweep?.write(into: &fields)
        return Cursor(fields)
    }

    static let invalid = ConnectorError.invalidRequest(field: "cursor", reason: "cursor is not one this connector issued for these updates")
}

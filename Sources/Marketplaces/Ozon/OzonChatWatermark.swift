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
struct OzonChatWatermark: Sendable, Equatable {
    var mark: UInt64
    var edge: [String: UInt64]
    var top: UInt64

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
    }

    /// Whether a chat whose last message is `lastMessageID` has news for the holder of this state.
    func isNew(chatID: String, lastMessageID: UInt64) -> Bool {
        lastMessageID > mark && edge[chatID] != lastMessageID
    }

    /// The state after reporting `reported` (chat → last message id), by a scan that saw ids up
    /// to `seen`. `ceiling` is the highest id the mark may reach: a chat the scan did not report
    /// (it passed the chat before a message arrived, or the page was full) must stay above the
    /// mark, so the caller passes the highest id of the scan's first list page or of the previous
    /// call (`top`), or the last reported id when more are waiting, or the old mark when the scan
    /// was cut short. The mark stays where it is while the reported chats fit in the edge; beyond
    /// that it rises to the newest chat left out (never past `ceiling`), and an entry that still
    /// does not fit is dropped, which can repeat that chat but never lose it.
    func advanced(reporting reported: [(String, UInt64)], ceiling: UInt64, seen: UInt64) -> OzonChatWatermark {
        var entries = edge
        for (chat, id) in reported { entries[chat] = id }
        let newestFirst = entries.filter { $0.value > mark }.sorted { ($0.value, $0.key) > ($1.value, $1.key) }
        var newMark = mark
        if newestFirst.count > Self.maxEdge {
            newMark = max(mark, min(ceiling, newestFirst[Self.maxEdge].value))
        }
        let kept = newestFirst.lazy.filter { $0.value > newMark }.prefix(Self.maxEdge).map { ($0.key, $0.value) }
        return OzonChatWatermark(mark: newMark, edge: Dictionary(uniqueKeysWithValues: kept), top: max(top, seen))
    }

    var cursor: Cursor {
        let edgeText = edge.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
        return Cursor(["k": "chat-updates", "w": String(mark), "e": edgeText, "t": String(top)])
    }

    static let invalid = ConnectorError.invalidRequest(field: "cursor", reason: "The cursor does not belong to these updates.")
}

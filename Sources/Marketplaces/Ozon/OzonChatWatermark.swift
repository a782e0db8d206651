import Connectors

/// The state of chat updates between calls. Ozon's message ids only grow, across all chats of an
/// account, so a chat has news when its `last_message_id` is above the watermark `mark`; `edge`
/// holds, for chats already reported with a last message above the watermark, that message id
/// (so they are not reported again until they change). The edge stays small: it only holds chats
/// that changed while a scan was under way.
struct OzonChatWatermark: Sendable, Equatable {
    var mark: UInt64
    var edge: [String: UInt64]

    /// Cursors must stay short (sealed cursors are at most 2 KB): beyond this many edge entries
    /// the lowest are dropped, which can repeat a chat but never lose one.
    static let maxEdge = 20

    init(mark: UInt64 = 0, edge: [String: UInt64] = [:]) {
        self.mark = mark
        self.edge = edge
    }

    init(_ cursor: Cursor?) throws(ConnectorError) {
        guard let cursor else {
            self.init()
            return
        }
        guard cursor["k"] == "chat-updates", let mark = UInt64(cursor["w"] ?? "") else { throw Self.invalid }
        var edge: [String: UInt64] = [:]
        for pair in (cursor["e"] ?? "").split(separator: ",") {
            guard let colon = pair.lastIndex(of: ":"), let id = UInt64(pair[pair.index(after: colon)...]) else { throw Self.invalid }
            edge[String(pair[..<colon])] = id
        }
        self.init(mark: mark, edge: edge)
    }

    /// Whether a chat whose last message is `lastMessageID` has news for the holder of this state.
    func isNew(chatID: String, lastMessageID: UInt64) -> Bool {
        lastMessageID > mark && edge[chatID] != lastMessageID
    }

    /// The state after reporting `reported` (chat → last message id) with the watermark moved to
    /// `mark`: edge entries at or below it are no longer needed.
    func advanced(to mark: UInt64, reported: [(String, UInt64)]) -> OzonChatWatermark {
        let newMark = max(self.mark, mark)
        var edge = self.edge
        for (chat, id) in reported { edge[chat] = id }
        var kept = edge.filter { $0.value > newMark }
        if kept.count > Self.maxEdge {
            kept = Dictionary(uniqueKeysWithValues: kept.sorted { $0.value > $1.value }.prefix(Self.maxEdge).map { ($0.key, $0.value) })
        }
        return OzonChatWatermark(mark: newMark, edge: kept)
    }

    var cursor: Cursor {
        let edgeText = edge.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
        return Cursor(["k": "chat-updates", "w": String(mark), "e": edgeText])
    }

    static let invalid = ConnectorError.invalidRequest(field: "cursor", reason: "The cursor does not belong to these updates.")
}

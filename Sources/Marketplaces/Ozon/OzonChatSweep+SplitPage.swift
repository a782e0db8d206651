import Connectors

/// A page split between calls (more changed chats than a call could report): what the next
/// call, reading that page again, must still report of it.
extension OzonChatSweep {
    /// Whether a chat read again from the page at `token` is still to be reported by this sweep.
    func awaits(chatID: String, lastMessageID: UInt64) -> Bool {
        guard let reportedUpTo else { return true }
        if lastMessageID > reportedUpTo { return true }
        guard let pageLowest, lastMessageID < pageLowest else { return false }
        return !reportedKeys.contains(CursorKeys.key(chatID))
    }

    /// Notes `chats` reported from the page at `token`, which a later call reads again;
    /// `lowest` is the page's lowest last message id, kept from its first read.
    mutating func noteReported(_ chats: some Sequence<(chatID: String, lastMessageID: UInt64)>, pageLowest lowest: UInt64?) {
        if reportedUpTo == nil { pageLowest = lowest }
        for chat in chats {
            reportedUpTo = max(reportedUpTo ?? 0, chat.lastMessageID)
            guard let pageLowest, chat.lastMessageID < pageLowest else { continue }
            let key = CursorKeys.key(chat.chatID)
            if !reportedKeys.contains(key) { reportedKeys.append(key) }
        }
        // As many as a cursor opens: past them, the oldest go (a chat of theirs could come twice).
        if reportedKeys.count > Self.maxReportedKeys { reportedKeys.removeFirst(reportedKeys.count - Self.maxReportedKeys) }
    }

    /// The page read to its end: what was noted of it goes.
    mutating func finishPage() {
        reportedUpTo = nil
        pageLowest = nil
        reportedKeys = []
    }
}

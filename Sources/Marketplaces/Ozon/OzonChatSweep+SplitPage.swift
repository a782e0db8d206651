import Connectors

/// A page split between calls (more changed chats than a call could report): what the next
/// call, reading that page again, must still report of it.
extension OzonChatSweep {
    /// Whether a chat read again from the page at `token` is still to be reported by this sweep:
    /// one with a message newer than any reported from the page (the page's changed chats went
    /// out lowest id first), or one the page did not hold when first read (it slid in since).
    /// Known by key, not by where its id falls among the page's: on a list not in id order (ties
    /// of a millisecond, ids not issued in time order), a chat that slid in can hold an id among
    /// those reported, and would have been passed over for good.
    func awaits(chatID: String, lastMessageID: UInt64) -> Bool {
        guard let reportedUpTo else { return true }
        if lastMessageID > reportedUpTo { return true }
        return !reportedKeys.contains(CursorKeys.key(chatID))
    }

    /// Notes `chats` reported from the page at `token`, which a later call reads again, and,
    /// the first time, the chats the page held (`held`).
    mutating func noteReported(_ chats: some Sequence<(chatID: String, lastMessageID: UInt64)>, held: some Sequence<String>) {
        if reportedUpTo == nil {
            for chatID in held {
                let key = CursorKeys.key(chatID)
                if !reportedKeys.contains(key) { reportedKeys.append(key) }
            }
        }
        for chat in chats {
            reportedUpTo = max(reportedUpTo ?? 0, chat.lastMessageID)
            let key = CursorKeys.key(chat.chatID)
            if !reportedKeys.contains(key) { reportedKeys.append(key) }
        }
        // As many as a cursor opens: past them, the oldest go (a chat of theirs could come twice).
        if reportedKeys.count > Self.maxReportedKeys { reportedKeys.removeFirst(reportedKeys.count - Self.maxReportedKeys) }
    }

    /// The page read to its end: what was noted of it goes.
    mutating func finishPage() {
        reportedUpTo = nil
        reportedKeys = []
    }
}

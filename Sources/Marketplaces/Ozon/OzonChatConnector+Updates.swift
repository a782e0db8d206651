import Connectors

extension OzonChatConnector {
    /// Chats with new messages since the cursor, the least recently changed first, each with its
    /// latest message. Every call reads the whole chat list (100 chats a request; Ozon does not
    /// document its order, so no chat can be passed over unread) and compares each chat's
    /// `last_message_id` with the watermark (see `OzonChatWatermark`). A nil cursor reports every
    /// conversation once.
    ///
    /// Past 10 000 chats the scan stops. If every chat read came most recent first (last message
    /// ids falling), the watermark rises as after a whole scan: only a client more than 10 000
    /// changed chats behind (a first call on such an account) misses the oldest; a list out of
    /// that order keeps the old watermark for the chats the scan did not reach.
    ///
    /// The watermark never moves past the highest message id of the first list page, or of the
    /// whole previous call when that is higher: a message written while later pages are read has
    /// a higher id than either, so it is caught by the next call even in a chat this scan had
    /// already passed. It trails the reported chats further (see `OzonChatWatermark`), so a
    /// message that shows up in the list after a newer one in another chat is not skipped.
    public func updates(since cursor: Cursor?, limit: Int, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> UpdatesPage {
        try OzonValidation.limit(limit)
        let state = try OzonChatWatermark(cursor)
        var seen: Set<String> = []
        var changed: [OzonChatListed] = []
        var firstPageTop: UInt64?
        var token: String?
        var complete = false
        var inOrder = true
        var lowest = UInt64.max
        var highest: UInt64 = 0
        for _ in 0..<100 {
            let page = try await chatList(cursor: token, limit: 100, includeRaw: false, deadline: deadline)
            if firstPageTop == nil { firstPageTop = page.entries.map(\.lastMessageID).max() ?? 0 }
            for chat in page.entries where seen.insert(chat.chatID).inserted {
                // A chat without messages (id 0) counts as the oldest.
                if chat.lastMessageID > lowest { inOrder = false }
                lowest = min(lowest, chat.lastMessageID)
                highest = max(highest, chat.lastMessageID)
                if chat.isConversation, state.isNew(chatID: chat.chatID, lastMessageID: chat.lastMessageID) {
                    changed.append(chat)
                }
            }
            guard page.hasNext else {
                complete = true
                break
            }
            token = page.nextToken
        }
        changed.sort { ($0.lastMessageID, $0.chatID) < ($1.lastMessageID, $1.chatID) }
        let reported = Array(changed.prefix(limit))
        let hasMore = changed.count > limit
        var ceiling = max(firstPageTop ?? 0, state.top)
        if hasMore, let last = reported.last { ceiling = min(ceiling, last.lastMessageID) }
        // Past 10 000 chats out of order, the chats not reached keep the old watermark.
        if !complete, !inOrder { ceiling = state.mark }
        let next = state.advanced(reporting: reported.map { ($0.chatID, $0.lastMessageID) }, ceiling: ceiling, seen: highest)
        let items = try await chatItems(for: reported, deadline: deadline)
        return UpdatesPage(items: items, nextCursor: next.cursor, hasMore: hasMore)
    }
}

import Connectors

extension OzonChatConnector {
    /// Chats with new messages since the cursor, the least recently changed first, each with its
    /// latest message. Every call reads the whole chat list (100 chats a request) and compares
    /// each chat's `last_message_id` with the watermark (see `OzonChatWatermark`). A nil cursor
    /// reports every conversation once.
    ///
    /// The watermark never moves past the highest message id of the first list page: a message
    /// written while later pages are read has a higher id than anything on that page, so it is
    /// caught by the next call even in a chat this scan had already passed. It trails the
    /// reported chats further (see `OzonChatWatermark`), so a message that shows up in the list
    /// after a newer one in another chat is not skipped.
    public func updates(since cursor: Cursor?, limit: Int, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> UpdatesPage {
        try OzonValidation.limit(limit)
        let state = try OzonChatWatermark(cursor)
        var seen: Set<String> = []
        var changed: [OzonChatListed] = []
        var firstPageTop: UInt64?
        var token: String?
        var complete = false
        for _ in 0..<100 {
            let page = try await chatList(cursor: token, limit: 100, includeRaw: false, deadline: deadline)
            if firstPageTop == nil { firstPageTop = page.entries.map(\.lastMessageID).max() ?? 0 }
            for chat in page.entries where seen.insert(chat.chatID).inserted {
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
        var ceiling = firstPageTop ?? 0
        if hasMore, let last = reported.last { ceiling = min(ceiling, last.lastMessageID) }
        // Past 10 000 chats the scan stops early; chats it did not reach keep the old watermark.
        if !complete { ceiling = state.mark }
        let next = state.advanced(reporting: reported.map { ($0.chatID, $0.lastMessageID) }, ceiling: ceiling)
        let items = try await chatItems(for: reported, deadline: deadline)
        return UpdatesPage(items: items, nextCursor: next.cursor, hasMore: hasMore)
    }
}

import Connectors

extension WildberriesChatConnector {
    /// Chats by their last message, newest first; `status` filters on who wrote it, `since` on
    /// when (a chat counts from its latest message). The list is read whole on every page (the
    /// upstream has no paging); the cursor continues after the last chat returned. Chats the
    /// event stream has shown with a message and the list has not (it lags the stream, and may
    /// be empty while events exist) are listed too, without `raw`.
    public func listItems(_ query: ListQuery, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> ItemPage {
        try WildberriesLimits.checkLimit(query.limit)
        let state = try query.cursor.map { cursor throws(ConnectorError) in try WildberriesChatListCursor(cursor) }
            ?? WildberriesChatListCursor(status: query.status, since: query.since)
        let chats = try await freshChats(includeRaw: query.includeRaw, deadline: deadline)
        let historyKnown = ledger.hasCaughtUp
        var listed = chats.compactMap { chat, raw -> (Item, Int64)? in
            guard let conversation = ledger.conversation(chat.chatID) else { return nil }
            let item = conversation.item(raw: raw, historyKnown: historyKnown)
            return (item, item.lastMessage?.createdAt.millisecondsSinceEpoch ?? item.createdAt.millisecondsSinceEpoch)
        }
        for conversation in ledger.streamOnlyConversations(besides: Set(chats.map { $0.0.chatID })) {
            let item = conversation.item(historyKnown: historyKnown)
            if let last = item.lastMessage { listed.append((item, last.createdAt.millisecondsSinceEpoch)) }
        }
        let ordered = listed
        .filter { item, time in
            (state.status == nil || item.status == state.status) && (state.since.map { time >= $0 } ?? true)
                && state.isAfter(time: time, id: item.id)
        }
        .sorted { a, b in a.1 != b.1 ? a.1 > b.1 : a.0.id < b.0.id }
        let page = ordered.prefix(query.limit)
        guard ordered.count > query.limit, let last = page.last else {
            return ItemPage(items: page.map(\.0), nextCursor: nil)
        }
        var next = state
        next.afterTime = last.1
        next.afterID = last.0.id
        return ItemPage(items: page.map(\.0), nextCursor: next.cursor)
    }
}

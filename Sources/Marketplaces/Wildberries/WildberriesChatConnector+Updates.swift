import Connectors

extension WildberriesChatConnector {
    /// Chats with new messages since the cursor, each with the newest of them as its last
    /// message, oldest first; `limit` bounds the events taken in (events without a message are
    /// passed by, so a page can hold no chat and still say `has_more`). Events are deduplicated by
    /// `eventID` at the cursor's millisecond, and by time and key past it while a second below
    /// them may still be written into (`WildberriesEventPosition`), so resuming never repeats or
    /// skips one. Without a cursor, from the oldest event the stream keeps.
    public func updates(since cursor: Cursor?, limit: Int, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> UpdatesPage {
        try WildberriesLimits.checkLimit(limit)
        var position = try cursor.map { cursor throws(ConnectorError) in try WildberriesEventPosition(cursor) }
            ?? WildberriesEventPosition()
        // Read from no later than where the connector's own reading stands (a first call, from
        // the stream's start), this call's pages carry that reading on: what they take in is
        // history the ledger then need not read again.
        let carriesLedger = (position.watermark ?? .min) <= (ledger.position.watermark ?? .min)
        var taken: [WildberriesChatEvent] = []
        var hasMore = true
        // The stream said there is nothing after this call's pages, or nothing the reading can
        // take before a second still open is over (not: a page could not be read).
        var reachedEnd = false
        var query = position.query
        var pages = 0
        reading: while taken.count < limit, pages < WildberriesLimits.pagesPerCall {
            pages += 1
            let read = try await events(next: query, deadline: deadline)
            let page = read.page, settled = secondsOver(asOf: read)
            guard page.totalEvents > 0 else {
                hasMore = false
                reachedEnd = true
                break
            }
            guard !page.events.isEmpty else {
                position.pass(unreadable: page, settled: settled)
                hasMore = false
                break
            }
            var progressed = false
            // Judged against the position the page was asked from: the keys giving way to a count
            // part way through the page leave the rest of the second there to be taken.
            for event in position.unconsumed(in: page) {
                guard taken.count < limit else { break reading }
                guard position.consume(event, settled: settled) else {
                    // As many events kept ahead of a second still open as a cursor holds: the
                    // rest wait for that second to be over, for a later call.
                    // (Only events kept ahead fill the room: the reading has taken in all but the
                    // stream's last few seconds, as far as the ledger's history goes.)
                    hasMore = false
                    reachedEnd = true
                    break reading
                }
                taken.append(event)
                progressed = true
            }
            let moved = position.settle(over: page, settled: settled)
            switch position.nextQuery(after: page, asked: query, progressed: progressed, moved: moved, length: ledger.notePage(page),
                                      settled: settled) {
            case .ask(let next):
                query = next
            case .end:
                hasMore = false
                reachedEnd = true
                break reading
            case .unsettled:
                // More may follow the second, for a call once it is over; asking again at once
                // would only read the same page.
                hasMore = false
                reachedEnd = position.hasEventsAhead
                break reading
            }
        }
        // Each chat the page took messages in, with the latest of them (text or attachments), as
        // a list shows it: an event without a message (Wildberries sends some) is passed by, and
        // neither blanks the last message nor decides the status.
        var latest: [String: WildberriesChatEvent] = [:]
        var order: [String: Int] = [:]
        for (index, event) in taken.enumerated() where event.isMessage {
            latest[event.chatID] = event
            order[event.chatID] = index
        }
        if carriesLedger {
            ledger.advance(to: position)
            if reachedEnd { ledger.noteCaughtUp() }
        }
        // After a start (a restart, another replica with the same cursor secret) the ledger knows
        // only the events just read: a chat's earlier messages decide its status when Wildberries
        // itself wrote last, and give when it opened and its product. The connector's own reading
        // of the stream fills the ledger in first, as a list's does: without waiting for the
        // budget, and its failure fails nothing here (the items then come from what is known, and
        // the next call reads on).
        if !latest.isEmpty, !ledger.hasCaughtUp {
            do { try await catchUp(deadline: deadline, countsFailures: false) } catch {}
        }
        // In the stream's order: within one second, Wildberries' own, not the ids'.
        let historyKnown = ledger.hasCaughtUp
        let items = latest.values.sorted { order[$0.chatID, default: 0] < order[$1.chatID, default: 0] }.map { event in
            let conversation = ledger.conversation(event.chatID) ?? WildberriesConversation(chatID: event.chatID)
            var message = WildberriesConversation.Message(eventID: event.eventID, text: event.text ?? "", at: event.addTimestamp,
                                                          sender: event.unifiedSender)
            // A message taken late, at a second still open, can be older than one of the same
            // chat this reading took before (kept ahead of that second): the chat goes on showing
            // the newest this reading has passed, rather than go back to the late one.
            if let newest = conversation.newestMessageEvent, newest.at > message.at, let id = newest.eventID,
               position.hasConsumed(at: newest.at, eventID: id) {
                message = newest
            }
            // The stream times whole seconds; the chat list, once read, gave the same message its
            // milliseconds, which a list or an item shows: the same time for the same message.
            message.at = conversation.last.flatMap { $0.eventID == message.eventID ? $0.at : nil } ?? message.at
            return conversation.item(lastMessage: message, historyKnown: historyKnown)
        }
        return UpdatesPage(items: items, nextCursor: position.cursor, hasMore: hasMore)
    }
}

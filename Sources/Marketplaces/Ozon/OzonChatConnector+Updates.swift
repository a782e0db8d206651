import Connectors

extension OzonChatConnector {
    /// Chats a sweep reads at most: 100 list pages of 100.
    static let maxSweepPages = 100

    /// Chats with new messages since the cursor, each with its latest message, oldest first.
    /// Ozon does not document its chat list's order, so no chat may be passed over unread:
    /// updates sweep the whole list (100 chats a request), comparing each chat's
    /// `last_message_id` with the watermark (see `OzonChatWatermark`). A call reads at most
    /// `sweepPages` pages, and stops at the page where the changed chats exceed `limit` (the
    /// next call reads that page again for the rest, and also reports a chat that slid onto the
    /// page in between: see `OzonChatSweep.reportedKeys`);
    /// a longer list is swept over several calls, the cursor keeping Ozon's list position, and `has_more` stays true until the sweep
    /// completes, even through a call that found nothing. A nil cursor reports every
    /// conversation once.
    ///
    /// Past 10 000 chats a sweep stops. If every conversation with messages it read came most
    /// recent first (last message ids falling; Ozon's own chats, pinned anywhere, aside), the watermark rises as after a whole sweep: only a client more than
    /// 10 000 changed chats behind (a first call on such an account) misses the oldest; a list out
    /// of that order keeps the old watermark for the chats the sweep did not reach.
    ///
    /// The watermark moves only when a sweep completes, and never past the highest message id of
    /// the sweep's first list page, or of the whole call before the sweep when that is higher: a
    /// message written while the sweep runs has a higher id than either, so it is caught by the
    /// next sweep even in a chat this one had already passed. It trails the reported chats
    /// further (see `OzonChatWatermark`), so a message that shows up in the list after a newer
    /// one in another chat is not skipped.
    ///
    /// A call stops reading list pages once half its time is gone (after one page at least),
    /// leaving the rest of the sweep to the next call.
    ///
    /// A list position the cursor carried that Ozon refuses (a 4xx: it expired while the client
    /// waited between calls) starts the sweep over from the first page rather than failing
    /// every call with that cursor: the mark has not moved, so no chat is missed, and the edge
    /// keeps most of those already reported from coming again. That call then reads on past
    /// `sweepPages` while half its time is left, so a list whose positions always expire
    /// between calls is still swept to its end, in one call; a position Ozon gave in the same
    /// call and refuses is an error, as is one refused after a restart.
    public func updates(since cursor: Cursor?, limit: Int, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> UpdatesPage {
        try OzonValidation.limit(limit)
        let state = try OzonChatWatermark(cursor)
        var sweep = state.sweep ?? OzonChatSweep(ceiling: state.top)
        var seen: Set<String> = []
        var reported: [OzonChatListed] = []
        var complete = false
        var stalled = false
        var highest: UInt64 = 0
        var pagesRead = 0
        // Set when the sweep started over: until then it reads on past `sweepPages`.
        var readOnUntil: ContinuousClock.Instant?
        // Past it, the list pages are left to the next call: the histories of the chats reported
        // get the other half, so a slow Ozon makes each call shorter, not every call time out
        // (and the same call fail again and again).
        let started = session.caller.now
        let halfway = started + max(.zero, deadline - started) / 2
        while sweep.pages < Self.maxSweepPages, reported.count < limit {
            // The sweep goes on in the next call, unless its position would crowd the cursor.
            let now = session.caller.now
            if pagesRead >= sweepPages || (pagesRead > 0 && now >= halfway), (sweep.token?.utf8.count ?? 0) <= OzonChatSweep.maxToken,
               readOnUntil.map({ now >= $0 }) ?? true { break }
            let rereading = sweep
            let page: OzonPage<OzonChatListed>
            do throws(ConnectorError) {
                page = try await chatList(cursor: sweep.token, limit: 100, includeRaw: false, deadline: deadline)
            } catch {
                guard sweep.token != nil, pagesRead == 0, OzonListPager.refuses(error) else { throw error }
                let now = session.caller.now
                readOnUntil = now + max(.zero, deadline - now) / 2
                var fresh = OzonChatSweep(ceiling: sweep.ceiling)
                fresh.dropped = sweep.dropped
                sweep = fresh
                continue
            }
            if !sweep.started { sweep.ceiling = max(sweep.ceiling, page.entries.map(\.lastMessageID).max() ?? 0) }
            pagesRead += 1
            var changed: [OzonChatListed] = []
            for chat in page.entries where seen.insert(chat.chatID).inserted {
                if rereading.reportedUpTo == nil { sweep.read(chat) }
                highest = max(highest, chat.lastMessageID)
                if chat.isConversation, rereading.awaits(chatID: chat.chatID, lastMessageID: chat.lastMessageID),
                   state.isNew(chatID: chat.chatID, lastMessageID: chat.lastMessageID) {
                    changed.append(chat)
                }
            }
            changed.sort { ($0.lastMessageID, $0.chatID) < ($1.lastMessageID, $1.chatID) }
            let room = limit - reported.count
            if changed.count > room {
                // The rest of this page is the next call's.
                reported += changed.prefix(room)
                // Of the chats the page holds, only those above the mark can be news in this sweep
                // (the mark stays until it completes): the others need no key, and the cursor
                // keeps its room for the chats reported.
                sweep.noteReported(changed.prefix(room).map { (chatID: $0.chatID, lastMessageID: $0.lastMessageID) },
                                   held: page.entries.lazy.filter { $0.lastMessageID > state.mark }.map(\.chatID))
                break
            }
            reported += changed
            sweep.finishPage()
            sweep.pages += 1
            guard page.hasNext, let token = page.nextToken else {
                complete = true
                stalled = page.stalled
                break
            }
            sweep.token = token
        }
        reported.sort { ($0.lastMessageID, $0.chatID) < ($1.lastMessageID, $1.chatID) }
        let pairs = reported.map { ($0.chatID, $0.lastMessageID) }
        let next: OzonChatWatermark
        let hasMore: Bool
        if complete || (sweep.pages >= Self.maxSweepPages && sweep.reportedUpTo == nil) {
            // Past 10 000 chats out of order, the chats not reached keep the old watermark.
            // So do they when Ozon's paging stalled before the list's end.
            let ceiling = (!complete && !sweep.inOrder) || stalled ? state.mark : sweep.ceiling
            next = state.advanced(reporting: pairs, ceiling: ceiling, seen: highest)
            // A list not most recent first can hold the mark below chats the sweep reported and
            // could not keep in the edge: the next sweep reports them again, so it is due now.
            hasMore = next.mark > state.mark && next.forgets(state.edge.merging(pairs) { $1 }, droppedUpTo: state.sweep?.dropped)
        } else {
            next = state.advanced(reporting: pairs, ceiling: state.mark, seen: highest, continuing: sweep)
            hasMore = true
            // A list position too long for a cursor even without the edge: a cursor that would
            // not open again is worse than saying so.
            guard CursorCodec.sealedLength(of: next.cursor) <= CursorCodec.maxLength else {
                throw .upstreamError(UpstreamFailure(marketplace: .ozon, status: 200,
                                                     message: "Ozon's chat list position (\(sweep.token?.utf8.count ?? 0) bytes) is too long to carry in an updates cursor"))
            }
        }
        let items = try await chatItems(for: reported, deadline: deadline)
        return UpdatesPage(items: items, nextCursor: next.cursor, hasMore: hasMore)
    }
}

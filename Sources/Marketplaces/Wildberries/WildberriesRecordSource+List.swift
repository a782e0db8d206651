import Connectors

extension WildberriesRecordSource {
    /// One page of a list, newest first, each call from below the last record the previous one
    /// returned (see `WildberriesListCursor`); "all" walks the unanswered side, then the answered
    /// side, and then, for records that have one (feedbacks), the archive, where Wildberries moves
    /// answered feedbacks, ones left unanswered for 30 days and ones without text or photos. The
    /// archive has no `isAnswered` and no dates: it is read newest first by offset, the list's
    /// status filtered here, and it ends at the first record older than `since`. A cursor carries
    /// its own filter, so `status` and `since` of later calls are not consulted. The window's `dateTo` is sent one second above its edge and what lies above the
    /// edge skipped here, as the reference does not say whether Wildberries' `dateTo` is inclusive.
    /// When the rate budget (ours or Wildberries') refuses a further upstream page, the items
    /// already read (none, when the unanswered side was empty) are returned with a cursor that
    /// goes on from there: with a base token's one call in 12 minutes, a list that needs two (the
    /// unanswered side short, then the answered) would otherwise fail every time.
    func list(_ query: ListQuery, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> ItemPage {
        try WildberriesLimits.checkLimit(query.limit)
        var state = try query.cursor.map { cursor throws(ConnectorError) in try WildberriesListCursor(cursor) }
            ?? WildberriesListCursor(status: query.status, since: query.since)
        state.resumeBelowLastReturned()
        var items: [Item] = []
        // Records this call has listed: a later page of the same call, read by offset, can show
        // one again when Wildberries orders a second's records differently from one request to
        // the next (the reference does not say it keeps them stable).
        var listed = Set<String>()
        var finished = false
        var calls = 0
        while items.count < query.limit, calls < WildberriesLimits.pagesPerCall {
            calls += 1
            let reached = state
            let wanted = query.limit - items.count
            if state.phase == .archive, let archivePath {
                // Filtered by status here, a page may keep few of its records: read a fuller one.
                let want = state.scope == .all ? wanted : max(wanted, Self.archivePageSize)
                guard let request = caps.archiveRequest(skip: state.skip, want: want) else {
                    // Past the offset cap, with no dates to go on in a window: what this call
                    // found goes out first, and the next call says why the walk stops there
                    // (ending quietly would pass over every older feedback).
                    if !items.isEmpty { return ItemPage(items: items, nextCursor: state.cursor) }
                    throw .upstreamError(UpstreamFailure(
                        marketplace: .wildberries, status: nil,
                        message: "\(plural) archive reached the offset cap (skip \(state.skip)): older archived \(plural) cannot be listed",
                        isLasting: true))
                }
                let page: [Entry]
                do {
                    page = try await archivePage(path: archivePath, skip: request.skip, take: request.take,
                                                 includeRaw: query.includeRaw, deadline: deadline)
                } catch {
                    guard case .upstreamRateLimited = error, calls > 1 else { throw error }
                    return ItemPage(items: items, nextCursor: reached.cursor)
                }
                let entries = page.dropFirst(request.drop)
                var consumed = 0
                var passedSince = false
                for entry in entries {
                    guard let record = entry.record else {
                        consumed += 1
                        continue
                    }
                    if let since = state.since, let created = record.createdAt, created.millisecondsSinceEpoch < since {
                        // `order=dateDesc` sorts by creation, as in the lists by `isAnswered`:
                        // everything after it is older still.
                        passedSince = true
                        break
                    }
                    consumed += 1
                    // No side here: by the status the item shows, so a review whose answer
                    // moderation turned down is among the unanswered.
                    guard state.scope.admits(answered: record.showsAnswer), listed.insert(record.id).inserted else { continue }
                    items.append(record.item(raw: entry.raw))
                    if items.count == query.limit { break }
                }
                state.skip += consumed
                if passedSince || (page.count < request.take && consumed == entries.count) {
                    finished = true
                    break
                }
                continue
            }
            var take = min(caps.maxTake, wanted + (state.windowTo != nil && state.skip == 0 ? state.excluded.count : 0))
            if !caps.fits(skip: state.skip, take: take) {
                guard state.lastSecond != nil else {
                    throw .upstreamError(UpstreamFailure(marketplace: .wildberries, status: nil,
                                                         message: "\(plural) list reached the offset cap without dated records",
                                                         isLasting: true))
                }
                state.enterWindow()
                take = min(caps.maxTake, wanted + state.excluded.count)
            }
            let entries: [Entry]
            do {
                entries = try await page(isAnswered: state.phase == .answered, skip: state.skip, take: take, ascending: false,
                                         dateFrom: state.sinceSecond, dateTo: state.dateTo, includeRaw: query.includeRaw,
                                         deadline: deadline)
            } catch {
                // Refused after a page of this call moved the walk on (items, or a side found
                // empty): what it reached is answered, even with no items, or the next call would
                // spend its slot on the same page and be refused the same way, for good.
                guard case .upstreamRateLimited = error, calls > 1 else { throw error }
                return ItemPage(items: items, nextCursor: reached.cursor)
            }
            var consumed = 0
            for entry in entries {
                consumed += 1
                guard let record = entry.record else { continue }
                if let top = state.windowTo {
                    if let second = record.createdSecond, second > top { continue }
                    // Only the edge second's records were returned before: a key is compared
                    // where an id was, and nowhere a collision could drop another record.
                    if record.createdSecond == top, state.excluded.contains(CursorKeys.key(record.id)) { continue }
                }
                if let since = state.since, let created = record.createdAt, created.millisecondsSinceEpoch < since { continue }
                guard listed.insert(record.id).inserted else { continue }
                items.append(record.item(raw: entry.raw))
                state.noteReturned(id: record.id, second: record.createdSecond)
                if items.count == query.limit { break }
            }
            state.skip += consumed
            if entries.count < take, consumed == entries.count, !state.nextPhase(archive: archivePath != nil) {
                finished = true
                break
            }
        }
        return ItemPage(items: items, nextCursor: finished ? nil : state.cursor)
    }

    /// Records asked for per archive page at least when a status filters it: the archive mixes
    /// answered and unanswered, and a page read for a few would come back mostly left out.
    static var archivePageSize: Int { 500 }
}

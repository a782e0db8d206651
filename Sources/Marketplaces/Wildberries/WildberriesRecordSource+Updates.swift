import Connectors

extension WildberriesRecordSource {
    /// What appeared since the cursor, oldest first, on both `isAnswered` sides: each side is
    /// read from its window's start (`dateFrom`, `order=dateAsc`, so nothing shifts under the
    /// walk) and the records the cursor does not know are reported (see `WildberriesUpdatesCursor`):
    /// those created since, and those that showed up late within the window. A record answered
    /// elsewhere after it was reported comes again with its new status when its creation is
    /// within the answered side's window. Without a cursor, from the oldest. When the window's
    /// first second is skipped into by offset, the page must begin with the records the cursor
    /// kept there, else (the second's order changed, or a record joined it) it is read from its
    /// start again, which may repeat records but loses none. A second beyond the host's offset
    /// caps is given up past. A record without a readable date counts at the newest second reported.
    ///
    /// When the second side is refused for the rate (a base token's budget), what the first
    /// gave is answered, with `has_more`, rather than read again and thrown away on every call,
    /// and the refused side is read first by the next call.
    func updates(since cursor: Cursor?, limit: Int, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> UpdatesPage {
        try WildberriesLimits.checkLimit(limit)
        var state = try cursor.map { cursor throws(ConnectorError) in try WildberriesUpdatesCursor(cursor) } ?? WildberriesUpdatesCursor()
        var items: [Item] = []
        var hasMore = false
        for answeredSide in state.answeredFirst ? [true, false] : [false, true] {
            guard items.count < limit else {
                hasMore = true
                break
            }
            var side = state[answeredSide]
            let wanted = limit - items.count
            let entries: [Entry]
            do throws(ConnectorError) {
                let read = try await read(&side, wanted: wanted, answered: answeredSide, deadline: deadline)
                entries = read.entries
                if read.full { hasMore = true }
            } catch .upstreamRateLimited where answeredSide != state.answeredFirst {
                state.answeredFirst = answeredSide
                hasMore = true
                break
            }
            var delivered = 0
            for entry in entries {
                guard let record = entry.record else { continue }
                let second = max(0, record.createdSecond ?? side.newest ?? 0)
                guard side.isNew(id: record.id, second: second) else { continue }
                guard delivered < wanted else {
                    hasMore = true
                    break
                }
                items.append(record.item(raw: nil))
                delivered += 1
                side.advance(id: record.id, second: second, overlap: WildberriesUpdatesCursor.overlap,
                             limit: WildberriesUpdatesCursor.keptLimit)
            }
            state[answeredSide] = side
        }
        if !hasMore { state.answeredFirst = false }
        return UpdatesPage(items: items, nextCursor: state.cursor, hasMore: hasMore)
    }

    /// One side's page from its window's start: past the records let go of there, and long
    /// enough to hold the kept ones and `wanted` more; `full` when the host may hold more.
    private func read(_ side: inout WildberriesUpdatesCursor.Side, wanted: Int, answered: Bool,
                      deadline: ContinuousClock.Instant) async throws(ConnectorError) -> (entries: [Entry], full: Bool) {
        var skip = side.letGo
        var take = min(caps.maxTake(skip: skip), wanted + side.kept.count)
        if skip > 0, take <= side.keptAtFrom.count {
            // A second holding more records than the host lets an offset reach: its rest is
            // out of reach by any request, so the window moves past it.
            side.passFirstSecond()
            skip = 0
            take = min(caps.maxTake, wanted + side.kept.count)
        }
        var entries = try await page(isAnswered: answered, skip: skip, take: take, ascending: true,
                                     dateFrom: side.from, dateTo: nil, includeRaw: false, deadline: deadline)
        let expected = side.keptAtFrom
        if skip > 0, entries.prefix(expected.count).map({ WildberriesUpdatesCursor.Side.key($0.record?.id ?? "") }).sorted() != expected.sorted() {
            // The second is read again from its start and its records reported again in the
            // host's order, so what the next call skips matches what this one reported.
            side.forgetFirstSecond()
            take = min(caps.maxTake, wanted + side.kept.count)
            entries = try await page(isAnswered: answered, skip: 0, take: take, ascending: true,
                                     dateFrom: side.from, dateTo: nil, includeRaw: false, deadline: deadline)
        }
        return (entries, entries.count == take)
    }
}

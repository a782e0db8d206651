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
    /// caps is given up past. A record without a readable date counts at the newest second
    /// reported; a page full of records that cannot be read is read past, a few pages a call.
    ///
    /// When the second side is refused for the rate (a base token's budget), what the first
    /// gave is answered rather than read again and thrown away on every call, with `has_more`
    /// unless both sides had nothing more when last read; the refused side is read first by
    /// the next call, and then the usual order resumes.
    ///
    /// The answered side never reports past what the unanswered side has been read through,
    /// unless that side was read to its end in the same call: its window would move past an
    /// unanswered record not yet reported, and once that record is answered it leaves the
    /// unanswered list and would be below the answered side's window, reported by neither.
    func updates(since cursor: Cursor?, limit: Int, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> UpdatesPage {
        try WildberriesLimits.checkLimit(limit)
        var state = try cursor.map { cursor throws(ConnectorError) in try WildberriesUpdatesCursor(cursor) } ?? WildberriesUpdatesCursor()
        var items: [Item] = []
        var hasMore = false
        let answeredFirst = state.answeredFirst
        var unansweredReadToEnd = false
        for answeredSide in answeredFirst ? [true, false] : [false, true] {
            guard items.count < limit else {
                hasMore = true
                break
            }
            var side = state[answeredSide]
            let ceiling = answeredSide && !unansweredReadToEnd ? state.unanswered.reportedThrough : nil
            do throws(ConnectorError) {
                var answeredAt: Int64?
                let more = try await report(&side, into: &items, wanted: limit - items.count, answered: answeredSide,
                                            ceiling: ceiling, answeredAt: &answeredAt, deadline: deadline)
                side.drained = !more
                if !answeredSide, !more {
                    unansweredReadToEnd = true
                    // Wildberries' own time, so that a clock here ahead of its own claims nothing
                    // the read did not see; a second before it, which may still be filling.
                    side.readThrough = answeredAt.map { $0 - 1 }
                        ?? session.options.unixMilliseconds() / 1000 - WildberriesUpdatesCursor.clockMargin
                }
                if answeredSide { state.answeredFirst = false }
                hasMore = hasMore || more
            } catch .upstreamRateLimited where answeredSide != answeredFirst {
                state.answeredFirst = answeredSide
                hasMore = hasMore || !side.drained
                break
            }
            side.trim(overlap: WildberriesUpdatesCursor.overlap, limit: WildberriesUpdatesCursor.keptLimit)
            state[answeredSide] = side
        }
        return UpdatesPage(items: items, nextCursor: state.cursor, hasMore: hasMore)
    }

    /// Pages a call reads on one side past pages that held nothing to report.
    static var updatesPagesPerSide: Int { 4 }

    /// Reports up to `wanted` records of one side the cursor does not know, in the host's order,
    /// none created after `ceiling`; true when the side may hold more that could be reported now
    /// (what lies past the ceiling waits for a later call, without `has_more`). `answeredAt`:
    /// Wildberries' time of the last page read.
    private func report(_ side: inout WildberriesUpdatesCursor.Side, into items: inout [Item], wanted: Int, answered: Bool,
                        ceiling: Int64?, answeredAt: inout Int64?, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> Bool {
        var (entries, skip, take) = try await firstPage(&side, wanted: wanted, answered: answered, answeredAt: &answeredAt,
                                                        deadline: deadline)
        let from = side.from
        var delivered = 0
        var pages = 1
        while true {
            for entry in entries {
                guard let record = entry.record else { continue }
                let second = record.createdSecond.flatMap { (0...Self.latestSecond).contains($0) ? $0 : nil } ?? side.newest ?? 0
                // The host's order is by creation: what follows is past the ceiling too.
                if let ceiling, second > ceiling { return false }
                guard side.isNew(id: record.id, second: second) else { continue }
                guard delivered < wanted else { return true }
                items.append(record.item(raw: nil))
                delivered += 1
                side.note(id: record.id, second: second)
            }
            guard entries.count == take else { return false }
            if delivered == wanted { return true }
            // A full page with less to report than asked (records that cannot be read): what
            // follows it may be new, and the window would not move past it by itself. The next
            // page starts a few records back, so one that left the side between the two reads
            // (answered elsewhere) shifts nothing past unread; what is read twice is known.
            skip += entries.count - min(8, entries.count / 2)
            take = min(caps.maxTake(skip: skip), 1000)
            guard pages < Self.updatesPagesPerSide, take > 0 else { return true }
            do throws(ConnectorError) {
                (entries, answeredAt) = try await datedPage(isAnswered: answered, skip: skip, take: take, ascending: true,
                                                            dateFrom: from, dateTo: nil, includeRaw: false, deadline: deadline)
            } catch {
                // What this side gave is answered; the next call goes on from there.
                return true
            }
            pages += 1
        }
    }

    /// Creation seconds past this (the year 3000) are no date: a cursor could not hold them.
    static var latestSecond: Int64 { 32_503_680_000 }

    /// One side's first page from its window's start: past the records let go of there, and long
    /// enough to hold the kept ones and `wanted` more.
    private func firstPage(_ side: inout WildberriesUpdatesCursor.Side, wanted: Int, answered: Bool, answeredAt: inout Int64?,
                           deadline: ContinuousClock.Instant) async throws(ConnectorError) -> (entries: [Entry], skip: Int, take: Int) {
        var skip = side.letGo
        var take = min(caps.maxTake(skip: skip), wanted + side.kept.count)
        if skip > 0, take <= side.keptAtFrom.count {
            // A second holding more records than the host lets an offset reach: its rest is
            // out of reach by any request, so the window moves past it.
            side.passFirstSecond()
            skip = 0
            take = min(caps.maxTake, wanted + side.kept.count)
        }
        var entries: [Entry]
        (entries, answeredAt) = try await datedPage(isAnswered: answered, skip: skip, take: take, ascending: true,
                                                    dateFrom: side.from, dateTo: nil, includeRaw: false, deadline: deadline)
        let expected = side.keptAtFrom
        if skip > 0, entries.prefix(expected.count).map({ CursorKeys.key($0.record?.id ?? "") }).sorted() != expected.sorted() {
            // The second is read again from its start and its records reported again in the
            // host's order, so what the next call skips matches what this one reported.
            side.forgetFirstSecond()
            skip = 0
            take = min(caps.maxTake, wanted + side.kept.count)
            (entries, answeredAt) = try await datedPage(isAnswered: answered, skip: 0, take: take, ascending: true,
                                                        dateFrom: side.from, dateTo: nil, includeRaw: false, deadline: deadline)
        }
        return (entries, skip, take)
    }
}

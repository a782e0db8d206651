import Connectors

extension WildberriesRecordSource {
    /// What appeared since the cursor, oldest first: records created at or after each side's
    /// watermark (`dateFrom`, `order=dateAsc`, from offset 0, so nothing shifts under the walk),
    /// minus those already reported at the watermark's second. Both `isAnswered` sides are
    /// walked, so a record answered elsewhere after it was reported comes again with its new
    /// status if it was created after that side's watermark. Without a cursor, from the oldest.
    /// A watermark second more crowded than the cursor keeps ids of is resumed by offset within
    /// it (see `WildberriesUpdatesCursor`), checked: the page must begin with the ids the cursor
    /// kept, else (the second's order changed, or a record joined it) it is read from its start
    /// again, which may repeat records but loses none. A second beyond the host's offset caps is
    /// given up past.
    func updates(since cursor: Cursor?, limit: Int, deadline: ContinuousClock.Instant) async throws(ConnectorError) -> UpdatesPage {
        try WildberriesLimits.checkLimit(limit)
        var state = try cursor.map { cursor throws(ConnectorError) in try WildberriesUpdatesCursor(cursor) } ?? WildberriesUpdatesCursor()
        var items: [Item] = []
        var hasMore = false
        for answeredSide in [false, true] {
            guard items.count < limit else {
                hasMore = true
                break
            }
            var side = state[answeredSide]
            let wanted = limit - items.count
            var skip = side.letGo
            // Fewer at a time where the caps would refuse as many, while the page still reaches
            // past the ids kept.
            var take = min(caps.maxTake(skip: skip), wanted + side.seen.count)
            if skip > 0, take <= side.seen.count {
                // A second holding more records than the host lets an offset reach: its rest is
                // out of reach by any request, so the watermark moves past it.
                side = WildberriesUpdatesCursor.Side(second: side.second.map { $0 + 1 })
                skip = 0
                take = min(caps.maxTake, wanted)
            }
            var entries = try await page(isAnswered: answeredSide, skip: skip, take: take, ascending: true,
                                         dateFrom: side.second, dateTo: nil, includeRaw: false, deadline: deadline)
            if skip > 0, Set(entries.prefix(side.seen.count).compactMap { $0.record?.id }) != Set(side.seen) {
                // The second is read again from its start, and counted again from there, so the
                // offset the next call takes matches what this one reported.
                side = WildberriesUpdatesCursor.Side(second: side.second)
                take = min(caps.maxTake, wanted)
                entries = try await page(isAnswered: answeredSide, skip: 0, take: take, ascending: true,
                                         dateFrom: side.second, dateTo: nil, includeRaw: false, deadline: deadline)
            }
            var delivered = 0
            for entry in entries {
                guard let record = entry.record, let second = record.createdSecond,
                      side.isNew(id: record.id, second: second) else { continue }
                guard delivered < wanted else {
                    hasMore = true
                    break
                }
                items.append(record.item(raw: nil))
                delivered += 1
                side.advance(id: record.id, second: second)
            }
            if entries.count == take { hasMore = true }
            state[answeredSide] = side
        }
        return UpdatesPage(items: items, nextCursor: state.cursor, hasMore: hasMore)
    }
}

import Connectors

/// Fills a page of `limit` items from upstream pages whose size differs from it (Ozon reviews
/// come 20…100 at a time) or whose entries are filtered locally, stopping inside an upstream
/// page when the caller's page is full and remembering the spot, so no item is lost or repeated.
/// A dated listing whose spot Ozon no longer knows (its `last_id` names an entry that has gone)
/// is re-entered by date rather than failed.
enum OzonListPager {
    /// - Parameters:
    ///   - maxPages: upstream pages fetched at most per call (a sparse filter then returns a
    ///     short page with a cursor instead of scanning everything under one deadline).
    ///   - maxExamined: entries handed to `accept` at most per call, where each costs a call of
    ///     its own (a chat's history): past it the page ends short, with a cursor at the spot.
    ///   - key: what the upstream orders its entries by, highest first, when it does (a chat's
    ///     last message id): a re-fetched page in that order resumes below the last entry taken,
    ///     so an entry that has since moved up (a chat with a new message) is not taken again and
    ///     the ones it passed are not skipped.
    ///   - date: the instant entries are listed by, newest first (a review's or question's
    ///     publication): when the entry last taken has left its page since (answered, in a
    ///     listing of unanswered ones), the listing resumes at the first entry not newer than it,
    ///     not after a count of entries that has shrunk with it.
    ///   - fetch: the upstream page a token names (nil: the first), of the entries published at
    ///     or before `upTo` (Unix ms) when that is given: a dated listing re-entered by date.
    ///   - accept: appends the items for the entries in a range to the page, leaving out the
    ///     entries filtered out; straight into the page, and it may move them out of the
    ///     entries (which are read again only for their ids), as an item is costly to copy.
    static func collect<Entry: Sendable>(
        limit: Int, from start: OzonListPosition, maxPages: Int = 5, maxExamined: Int = .max,
        id: (Entry) -> String, key: ((Entry) -> UInt64)? = nil,
        date: ((Entry) -> Int64)? = nil,
        fetch: (_ token: String?, _ upTo: Int64?) async throws(ConnectorError) -> OzonPage<Entry>,
        accept: (inout [Entry], Range<Int>, inout [Item]) async throws(ConnectorError) -> Void
    ) async throws(ConnectorError) -> (items: [Item], next: OzonListPosition?) {
        var token = start.page
        var resume = start
        var items: [Item] = []
        items.reserveCapacity(limit)
        var examined = 0
        for pageNumber in 1...max(1, maxPages) {
            var page: OzonPage<Entry>
            do throws(ConnectorError) {
                page = try await fetch(token, resume.upTo)
            } catch {
                // Refused the token, which names the previous page's last entry: that entry has
                // gone (deleted, moderated away), and Ozon does not say where its list goes on
                // from an id it no longer knows. The listing re-enters by date at the entry last
                // taken (a stop inside the page, or one pushed on past it), else at the entry the
                // token names, and resumes after it as a mid-page stop whose entry left does.
                guard date != nil, let gone = token, Self.refuses(error),
                      let spot = Self.dated(resume.after, resume.afterDate) ?? Self.dated(gone, resume.pageDate) else {
                    throw error
                }
                // A second past it: Ozon does not document the filter's precision, and the newer
                // entries the bound lets in are passed over by date.
                resume = OzonListPosition(page: nil, skip: 0, after: spot.id, afterDate: spot.date, upTo: spot.date + 1000)
                token = nil
                page = try await fetch(nil, resume.upTo)
            }
            let first = resumeIndex(page.entries, resume, id: id, key: key, date: date)
            var index = first
            while index < page.entries.count, items.count < limit, examined < maxExamined {
                let end = min(page.entries.count, index + min(limit - items.count, maxExamined - examined))
                try await accept(&page.entries, index..<end, &items)
                examined += end - index
                index = end
            }
            let last = index > 0 ? page.entries[index - 1] : nil
            if index < page.entries.count, let last {
                return (items, OzonListPosition(page: token, skip: index, after: id(last), afterKey: key.map { $0(last) },
                                                afterDate: date.map { $0(last) }, upTo: resume.upTo))
            }
            guard page.hasNext, let next = page.nextToken else { return (items, nil) }
            // The next page starts after this one's last entry; keyed, it also resumes below the
            // last entry taken (this page's, or the one before when this page gave none), as
            // entries moving up shift the next page's start. Only when this page came in key
            // order: in a list that is not (Ozon does not say its chat list is), the next page's
            // entries above that key are not ones already taken, and would be passed over.
            let ordered = key.map { key in isDescending(page.entries.map(key)) } ?? false
            // The last entry taken with a key (an entry without one, 0, says nothing of the order),
            // or the one carried in when this page took none with a key: the entries above where
            // it resumed, skipped as taken before, are not the boundary (after an announcement
            // chat alone taken here, the next page would have been read from above the last one
            // taken, and it would have come again).
            var lastKey = ordered ? key.flatMap { key in page.entries[first..<index].lazy.map(key).last { $0 > 0 } } : nil
            if ordered, let carried = resume.afterKey, carried > 0 { lastKey = min(carried, lastKey ?? carried) }
            // Dated, a page whose every entry came out newer than the entry last taken (newer
            // ones pushed it, and the rest of its instant's, onto the next page) still owes the
            // resumption: the next page is looked into for that entry, not read from its top.
            // (Not for an entry without a date, 0: every dated entry is newer than that.)
            let pushedOn = date != nil && (resume.afterDate ?? 0) > 0 && first == page.entries.count && resume.after.map { after in
                !page.entries.contains { id($0) == after }
            } == true
            // The instant of the entry `next` names, for re-entering should Ozon refuse it.
            let nextDate = date.flatMap { date in page.entries.last.map(date) }.flatMap { $0 > 0 ? $0 : nil }
            let boundary = OzonListPosition(page: next, skip: 0, after: pushedOn ? resume.after : nil, afterKey: lastKey,
                                            afterDate: pushedOn ? resume.afterDate : nil, pageDate: nextDate, upTo: resume.upTo)
            if items.count >= limit || pageNumber == maxPages || examined >= maxExamined { return (items, boundary) }
            token = next
            resume = boundary
        }
        return (items, nil)
    }

    private static func dated(_ id: String?, _ date: Int64?) -> (id: String, date: Int64)? {
        guard let id, let date, date > 0 else { return nil }
        return (id, date)
    }

    /// Whether Ozon refused the request (a 4xx other than those classified apart: a rate limit, a
    /// credential), as it refuses a list position it no longer knows.
    static func refuses(_ error: ConnectorError) -> Bool {
        guard case .upstreamError(let failure) = error, let status = failure.status else { return false }
        return (400..<500).contains(status)
    }

    /// Whether `keys` fall (or stay), leaving out 0, an entry without one, which may come anywhere.
    private static func isDescending(_ keys: [UInt64]) -> Bool {
        let keyed = keys.filter { $0 > 0 }
        return zip(keyed, keyed.dropFirst()).allSatisfy { $0 >= $1 }
    }

    /// Where to continue in a re-fetched page: after the entry named `after` when it is still
    /// at (or has moved from) its old spot; when it has gone, at the first entry not newer than
    /// it (entries of its very instant may come again: repeated rather than lost), or, without
    /// its date, one entry earlier than before; else after `skip` entries.
    private static func resumeIndex<Entry>(_ entries: [Entry], _ position: OzonListPosition, id: (Entry) -> String,
                                           key: ((Entry) -> UInt64)?, date: ((Entry) -> Int64)?) -> Int {
        // Keyed (entries come highest key first; 0, an entry without one, may come anywhere):
        // below the last entry taken, wherever it has moved.
        if let key, let afterKey = position.afterKey, afterKey > 0, isDescending(entries.map(key)) {
            return (entries.lastIndex { key($0) >= afterKey } ?? -1) + 1
        }
        // `after` without `skip`: carried onto the page after the one it was pushed off.
        guard position.skip > 0 || position.after != nil else { return 0 }
        if let after = position.after {
            if position.skip > 0, position.skip <= entries.count, id(entries[position.skip - 1]) == after { return position.skip }
            if let found = entries.firstIndex(where: { id($0) == after }) { return found + 1 }
            if let date, let afterDate = position.afterDate, afterDate > 0 {
                // An entry without a date (0) may come anywhere, as an entry without a key does.
                let dates = entries.map(date)
                let dated = dates.filter { $0 > 0 }
                if zip(dated, dated.dropFirst()).allSatisfy({ $0 >= $1 }) {
                    return dates.firstIndex { $0 <= afterDate } ?? entries.count
                }
            }
            // Gone, with no date to find its place by: the entries after it moved up by one.
            return max(0, min(position.skip - 1, entries.count))
        }
        return min(position.skip, entries.count)
    }
}

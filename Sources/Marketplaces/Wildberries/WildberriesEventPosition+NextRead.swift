extension WildberriesEventPosition {
    /// Where to ask the stream next within one call after `page` (asked with `asked`), or why
    /// the reading stops.
    ///
    /// `length` is what `WildberriesChatLedger.notePage` made of the page.
    ///
    /// - A page with news shorter than the stream's pages (`full` false) held all there was: over.
    ///   `moved`: the page moved the watermark over events kept ahead, which counts as news.
    /// - With events still kept ahead, the watermark stands at a second still open, and asking
    ///   from below it again would read the same page: the reading stops (`unsettled` after a
    ///   page-full, else `end`).
    /// - After new events, from just below the newest (`query`): the stream's own `next` is
    ///   that event's second and gives only what follows it, which would skip the rest of a
    ///   second the page boundary cut.
    /// - After a page with nothing new, from the stream's `next` when it is further on: the page
    ///   was all events of one second already consumed, and only the stream's cursor gets past
    ///   them (the end of the stream answers `totalEvents: 0` there).
    /// - When the stream's `next` stays where it was asked and the page is all of the
    ///   watermark's second and as long as a page is known to be (`surelyFull`: a stream that
    ///   goes on from `next` inclusively, with a page-full of one second), the edge closes just
    ///   past that second: stopping there would read the same page on every call.
    /// - Neither of the last two moves past the watermark's second before it is over
    ///   (`settled`): an event Wildberries takes at that second between two requests would be
    ///   passed for good. The reading stops there instead (`unsettled` after a page-full, else
    ///   `end`), and the next call asks from just below it again.
    mutating func nextQuery(after page: WildberriesEventsPage, asked: Int64?, progressed: Bool, moved: Bool,
                            length: (full: Bool, surelyFull: Bool), settled: (Int64) -> Bool) -> NextRead {
        // A short page without news goes on below: the stream's pages may have become shorter.
        guard length.full || !(progressed || moved) else { return .end }
        if progressed || moved, let query, query != asked { return .ask(query) }
        if !ahead.isEmpty {
            // A page of nothing but the watermark's second (a page-full of it) never reaches the
            // events kept ahead: once that second is over, the edge closes there (the watermark
            // stays, below the events kept ahead) and the stream is asked from it.
            guard !progressed, let watermark, !page.events.isEmpty, page.events.allSatisfy({ $0.addTimestamp == watermark }),
                  settled(watermark) else { return length.full ? .unsettled : .end }
            seen = []
            consumedAtEdge = nil
            edgeClosed = true
            return .ask(watermark)
        }
        guard let next = page.next else { return .end }
        if next > (asked ?? .min) {
            if let watermark, next >= watermark, !settled(watermark) { return length.full ? .unsettled : .end }
            return .ask(next)
        }
        // Only for a page as long as the stream's pages are known to be: a shorter one holds the
        // whole second, and closing the edge would lose what arrives in it later.
        guard !progressed, length.surelyFull, let watermark, !page.events.isEmpty,
              page.events.allSatisfy({ $0.addTimestamp == watermark })
        else { return .end }
        guard settled(watermark) else { return .unsettled }
        self.watermark = watermark + 1
        seen = []
        consumedAtEdge = nil
        edgeClosed = true
        return query.map(NextRead.ask) ?? .end
    }
}

import Connectors

/// A reader's place in the chat event stream: the latest second (the watermark, unix ms) below
/// which every event was consumed, every second below it over when read, and 32-bit keys of
/// the `eventID`s consumed at exactly that time. The
/// stream's times are whole seconds, so many events can share the watermark: the stream is
/// asked from just below it (`next = watermark − 1`), so events of that second that arrived
/// later, or that a page boundary cut off, are not lost, and those already consumed are
/// recognised by key instead of being reported twice. Past `edgeLimit` events in the one second
/// the keys give way to a count (`consumedAtEdge`): the first that many of the second's events,
/// in the order the stream gives them (later arrivals come after), are the ones consumed.
///
/// The watermark moves onto a later second only when every second below it was over (settled)
/// when the page showing them was asked for: moved past a second still open, an event
/// Wildberries then takes at that second would be passed for good. Events consumed beyond a
/// second still open are kept as `ahead` instead, by time and key, within `aheadBytes`.
struct WildberriesEventPosition: Equatable, Sendable {
    /// Keys kept at the edge: four bytes each in the cursor.
    static let edgeLimit = 128
    /// The bytes the events kept ahead of the watermark may take in the cursor (five or six an
    /// event, see `WildberriesAheadEvent.encodedCount`): with a full edge, a cursor stays within
    /// `CursorCodec.maxLength`. Past them, later events wait until the seconds below them are over.
    static let aheadBytes = 480
    /// How long after a second the stream may still be written into at it: Wildberries stamps
    /// an event when it takes it, in whole seconds. Until then the stream is never asked past
    /// that second (see `WildberriesChatLedger.isSettled`).
    static let settleMilliseconds: Int64 = 5_000

    /// What a reading does after a page.
    enum NextRead: Equatable {
        /// Asks the stream from this `next`.
        case ask(Int64)
        /// Has read all there is.
        case end
        /// Stops at the watermark's second, which may still be written into, with a page-full
        /// of it read: there may be more beyond, for a later call once the second is over.
        case unsettled
    }

    var watermark: Int64?
    var seen: [UInt32] = []
    /// Past `edgeLimit` events at the watermark: how many of them, from the second's first in
    /// the stream's order, were consumed.
    var consumedAtEdge: Int?
    /// Every event at the watermark counts as consumed and the stream is asked from the
    /// watermark itself: past a page of events none of which could be read, or a second a stream
    /// that goes on inclusively would give back forever.
    var edgeClosed = false
    /// Events consumed later than the watermark's second, in the stream's order, while some
    /// second from the watermark's up to theirs could still be written into.
    var ahead: [WildberriesAheadEvent] = []

    init(watermark: Int64? = nil, seen: [String] = []) {
        self.watermark = watermark
        self.seen = seen.map(CursorKeys.key)
    }

    /// Opens a cursor of this version (`c2`) or of the one before it (`c1`, ids in clear).
    init(_ cursor: Cursor) throws(ConnectorError) {
        guard cursor["v"] == "c2" || cursor["v"] == "c1" else { throw WildberriesCursorFields.invalid() }
        watermark = try WildberriesCursorFields.int64(cursor, "w")
        seen = try WildberriesCursorFields.keys(cursor, "k", legacyKey: "e")
        guard seen.count <= Self.edgeLimit * 2 else { throw WildberriesCursorFields.invalid() }
        switch cursor["x"] {
        case nil: edgeClosed = false
        case "1": edgeClosed = true
        default: throw WildberriesCursorFields.invalid()
        }
        if let text = cursor["n"] {
            guard let count = Int(text), count > 0, seen.isEmpty, !edgeClosed, watermark != nil else { throw WildberriesCursorFields.invalid() }
            consumedAtEdge = count
        }
        if let text = cursor["a"] {
            guard let ahead = WildberriesAheadEvent.decode(Substring(text), after: watermark ?? 0), !ahead.isEmpty,
                  WildberriesAheadEvent.encodedCount(ahead, after: watermark ?? 0) <= Self.aheadBytes,
                  ahead.allSatisfy({ $0.at > (watermark ?? .min) })
            else { throw WildberriesCursorFields.invalid() }
            self.ahead = ahead
        }
    }

    var cursor: Cursor {
        var state = ["v": "c2"]
        state["w"] = watermark.map(String.init)
        state["k"] = WildberriesCursorFields.join(keys: seen, limit: Self.edgeLimit)
        if edgeClosed { state["x"] = "1" }
        state["n"] = consumedAtEdge.map(String.init)
        state["a"] = WildberriesAheadEvent.encode(ahead, after: watermark ?? 0)
        return Cursor(state)
    }

    /// The `next` to ask the stream with: nil (from the oldest) before anything was consumed.
    var query: Int64? { watermark.map { edgeClosed ? $0 : max(1, $0 - 1) } }

    /// Whether `event` was not consumed yet. `ordinal`: its place among the page's events at the
    /// watermark (0 for the first), which a count past `edgeLimit` goes by; a page asked from
    /// below the watermark holds the second's events from its first.
    private func isNew(_ event: WildberriesChatEvent, ordinal: Int) -> Bool {
        guard let watermark, event.addTimestamp <= watermark else { return !ahead.contains(WildberriesAheadEvent(event)) }
        guard event.addTimestamp == watermark, !edgeClosed else { return false }
        if let consumedAtEdge { return ordinal >= consumedAtEdge }
        return !seen.contains(CursorKeys.key(event.eventID))
    }

    /// The events of `page` not consumed yet, in its order, judged against this position as it
    /// was before any of them is consumed.
    func unconsumed(in page: WildberriesEventsPage) -> [WildberriesChatEvent] {
        var atEdge = 0
        var fresh: [WildberriesChatEvent] = []
        var keys: Set<UInt32> = []
        for event in page.events {
            // An event the page holds twice counts once, in the second's order too.
            guard keys.insert(CursorKeys.key(event.eventID)).inserted else { continue }
            var ordinal = 0
            if event.addTimestamp == watermark {
                ordinal = atEdge
                atEdge += 1
            }
            if isNew(event, ordinal: ordinal) { fresh.append(event) }
        }
        return fresh
    }

    /// Moves past `page` when it holds events none of which could be read, up to where the stream
    /// goes on (`next`): they are lost either way, and staying put would read that page again on
    /// every call. The edge stays open at first, so readable events of `next`'s second after the unreadable
    /// ones are still taken; only a page of unreadable events asked there again closes it, once
    /// that second is over (`settled`).
    mutating func pass(unreadable page: WildberriesEventsPage, settled: (Int64) -> Bool) {
        guard page.events.isEmpty, page.unreadable > 0, let next = page.next, next >= (watermark ?? .min),
              next > (watermark ?? .min) || !edgeClosed else { return }
        let again = next == watermark
        guard settled(again ? next : next - 1) else { return }
        move(to: next)
        edgeClosed = again
    }

    /// Takes `event` in: at the watermark, among the keys of its second; later, as the new
    /// watermark when every second below the event was over when its page was asked for
    /// (`settled`, judged then), else ahead of it. False, taking nothing, when it would have to
    /// go ahead and there is no room for it (`aheadBytes`).
    mutating func consume(_ event: WildberriesChatEvent, settled: (Int64) -> Bool) -> Bool {
        if let watermark, event.addTimestamp <= watermark {
            guard event.addTimestamp == watermark, !edgeClosed else { return true }
            if let count = consumedAtEdge {
                consumedAtEdge = count + 1
                return true
            }
            seen.append(CursorKeys.key(event.eventID))
            if seen.count > Self.edgeLimit {
                consumedAtEdge = seen.count
                seen = []
            }
            return true
        }
        if settled(event.addTimestamp - 1) {
            move(to: event.addTimestamp)
            return consume(event, settled: settled)
        }
        ahead.append(WildberriesAheadEvent(event))
        guard WildberriesAheadEvent.encodedCount(ahead, after: watermark ?? 0) <= Self.aheadBytes else {
            ahead.removeLast()
            return false
        }
        return true
    }

    /// Whether this position has consumed the event with this time and id, as far as it can tell
    /// (past `edgeLimit` events at the watermark it counts them and cannot, and says no).
    func hasConsumed(at: Int64, eventID: String) -> Bool {
        guard let watermark, at >= watermark else {
            return watermark != nil || ahead.contains(WildberriesAheadEvent(at: at, key: CursorKeys.key(eventID)))
        }
        guard at == watermark else { return ahead.contains(WildberriesAheadEvent(at: at, key: CursorKeys.key(eventID))) }
        return edgeClosed || (consumedAtEdge == nil && seen.contains(CursorKeys.key(eventID)))
    }

    /// Whether the reading has taken in all but the last few seconds of the stream: with events
    /// kept ahead, it stops below a second Wildberries may still write into, and what it has not
    /// read lies past that second and the page read from below it. For the ledger, whose history
    /// then holds every chat's earlier messages, that is as good as the stream's end.
    var hasEventsAhead: Bool { !ahead.isEmpty }

    /// Moves the watermark onto the latest second of `page` it can stand on after the page's
    /// events were taken in: every event of the page up to that second consumed (at the
    /// watermark, or ahead of it from an earlier call), and every second below it over when the
    /// page was asked for. `page` must have been asked from no later than the watermark.
    /// Whether it moved.
    mutating func settle(over page: WildberriesEventsPage, settled: (Int64) -> Bool) -> Bool {
        guard !ahead.isEmpty else { return false }
        let waiting = Set(unconsumed(in: page).map(WildberriesAheadEvent.init))
        var moved = false
        for event in page.events {
            guard !waiting.contains(WildberriesAheadEvent(event)) else { break }
            if event.addTimestamp > (watermark ?? .min) {
                guard settled(event.addTimestamp - 1) else { break }
                move(to: event.addTimestamp)
                moved = true
            }
        }
        return moved
    }

    /// Makes `at` the watermark, the events kept ahead at it its keys; those below it are behind.
    private mutating func move(to at: Int64) {
        watermark = at
        seen = ahead.filter { $0.at == at }.map(\.key)
        ahead.removeAll { $0.at <= at }
        consumedAtEdge = nil
        edgeClosed = false
    }
}

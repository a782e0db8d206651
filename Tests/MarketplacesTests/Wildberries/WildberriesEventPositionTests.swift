import Connectors
@testable import Marketplaces
import Testing

/// The chat stream reader's place as a cursor carries it: the events kept ahead of a second
/// still open survive the trip, the cursor stays within what the gateway accepts, and a cursor
/// whose events ahead contradict its watermark is refused.
@Suite("Wildberries event position")
struct WildberriesEventPositionTests {
    static func event(_ id: String, at: Int64) throws -> WildberriesChatEvent {
        try WildberriesChatEvent(parsing: Array(#"{"chatID":"1:\#(id)","eventID":"\#(id)","eventType":"message","addTimestamp":\#(at),"sender":"client"}"#.utf8))
    }

    @Test("given events read past a second still open, when the position goes through its cursor, then it comes back the same and still knows them")
    func aheadRoundTrip() throws {
        // given: a watermark over, then two events of a second still open and one a second on
        var position = WildberriesEventPosition()
        let open: Int64 = 1_700_000_005_000
        #expect(position.consume(try Self.event("w", at: 1_700_000_000_000), settled: { $0 <= 1_700_000_000_000 }))
        for (id, at) in [("a", open), ("b", open), ("c", open + 1000)] {
            #expect(position.consume(try Self.event(id, at: at), settled: { $0 <= 1_700_000_000_000 }))
        }
        #expect(position.watermark == 1_700_000_000_000)
        #expect(position.ahead.count == 3)
        // when
        let reopened = try WildberriesEventPosition(position.cursor)
        // then
        #expect(reopened == position)
        let page = try WildberriesEventsPage(parsing: Array(#"{"next":\#(open + 1000),"totalEvents":4,"events":[{"chatID":"1:b","eventID":"b","addTimestamp":\#(open)},{"chatID":"1:x","eventID":"x","addTimestamp":\#(open)},{"chatID":"1:c","eventID":"c","addTimestamp":\#(open + 1000)},{"chatID":"1:a","eventID":"a","addTimestamp":\#(open)}]}"#.utf8))
        #expect(reopened.unconsumed(in: page).map(\.eventID) == ["x"])
    }

    @Test("given the edge's keys full and as many events ahead as fit, far apart, then the sealed cursor is within the length the gateway accepts, and one more event is refused")
    func largestCursorFits() throws {
        // given
        var position = WildberriesEventPosition()
        let edge: Int64 = 1_700_000_000_000
        for index in 0..<WildberriesEventPosition.edgeLimit {
            #expect(position.consume(try Self.event("e\(index)", at: edge), settled: { $0 < edge }))
        }
        #expect(position.seen.count == WildberriesEventPosition.edgeLimit)
        var at = edge
        var kept = 0
        while true {
            at += 86_400_000 * 365
            guard position.consume(try Self.event("a\(kept)", at: at), settled: { $0 < edge }) else { break }
            kept += 1
        }
        // then
        #expect(kept > 10)
        #expect(position.ahead.count == kept)
        #expect(CursorCodec.sealedLength(of: position.cursor) <= CursorCodec.maxLength)
        #expect(try WildberriesEventPosition(position.cursor) == position)
    }

    @Test("given a cursor whose events ahead are not past its watermark, or do not parse, then it is refused as not the connector's")
    func aheadContradictingTheWatermarkRefused() throws {
        var position = WildberriesEventPosition()
        #expect(position.consume(try Self.event("w", at: 5_000), settled: { _ in true }))
        #expect(position.consume(try Self.event("a", at: 9_000), settled: { _ in false }))
        var state = position.cursor.state
        #expect(try WildberriesEventPosition(Cursor(state)) == position)
        state["a"] = WildberriesAheadEvent.encode([WildberriesAheadEvent(at: 4_000, key: 1)], after: 5_000)
        #expect(throws: ConnectorError.self) { try WildberriesEventPosition(Cursor(state)) }
        state["a"] = "AAAA"
        #expect(throws: ConnectorError.self) { try WildberriesEventPosition(Cursor(state)) }
    }
}

extension WildberriesEventPositionTests {
    @Test("given a page of unreadable events whose next no date could have, then the page has no next, and passing it moves nothing")
    func nextOutOfRangeIsNone() throws {
        let page = try WildberriesEventsPage(parsing: Array(#"{"next":-9223372036854775808,"totalEvents":1,"events":[{"eventType":"message"}]}"#.utf8))
        #expect(page.next == nil)
        #expect(page.unreadable == 1)
        var position = WildberriesEventPosition()
        position.pass(unreadable: page, settled: { _ in true })
        #expect(position == WildberriesEventPosition())
    }
}

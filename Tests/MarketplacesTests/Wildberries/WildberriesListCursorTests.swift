import Connectors
@testable import Marketplaces
import Testing

@Suite("Wildberries list cursor")
struct WildberriesListCursorTests {
    @Test("given a call that returned records, then the next resumes below the last one, at offset 0")
    func resumesBelowTheLastReturned() throws {
        var state = WildberriesListCursor(status: .unanswered, since: nil)
        state.skip = 8
        state.noteReturned(id: "a", second: 100)
        state.noteReturned(id: "b", second: 100)
        var next = try WildberriesListCursor(state.cursor)
        next.resumeBelowLastReturned()
        #expect(next.windowTo == 100 && next.excluded == ["a", "b"].map(CursorKeys.key) && next.skip == 0)
        #expect(next.dateTo == 101)
    }

    @Test("given a call that returned nothing in the window it resumed, then the next goes on by offset, not from the window's start")
    func noProgressGoesOnByOffset() throws {
        var state = WildberriesListCursor(status: .unanswered, since: nil)
        state.noteReturned(id: "a", second: 100)
        state.resumeBelowLastReturned()
        state.skip = 5  // five unreadable or undated entries consumed, nothing returned
        var next = try WildberriesListCursor(state.cursor)
        next.resumeBelowLastReturned()
        #expect(next.windowTo == 100 && next.skip == 5)
    }

    @Test("given more records in the last second than the cursor keeps, then the next call goes on by offset")
    func crowdedSecondGoesOnByOffset() throws {
        var state = WildberriesListCursor(status: .unanswered, since: nil)
        for index in 0..<70 { state.noteReturned(id: "r\(index)", second: 100) }
        state.skip = 70
        var next = try WildberriesListCursor(state.cursor)
        #expect(next.lastCount == 70 && next.lastIDs.count == WildberriesListCursor.edgeLimit)
        next.resumeBelowLastReturned()
        #expect(next.skip == 70)
    }

    @Test("a count below the ids it names is not one this connector wrote")
    func inconsistentCount() {
        let cursor = Cursor(["s": "u", "p": "0", "k": "0", "l": "100", "e": "a,b,c", "n": "2"])
        #expect(throws: ConnectorError.self) { try WildberriesListCursor(cursor) }
    }

    @Test("a cursor of an earlier version, naming ids, still opens and resumes below them")
    func earlierVersion() throws {
        var next = try WildberriesListCursor(Cursor(["s": "u", "p": "0", "k": "0", "l": "100", "e": "a,b"]))
        next.resumeBelowLastReturned()
        #expect(next.excluded == ["a", "b"].map(CursorKeys.key))
    }

    @Test("a cursor of an earlier version that named fewer ids than records at its edge goes on by offset, repeating none")
    func earlierVersionCrowdedEdge() throws {
        let ids = (0..<16).map { "r\($0)" }.joined(separator: ",")
        var next = try WildberriesListCursor(Cursor(["s": "u", "p": "0", "k": "20", "l": "100", "e": ids, "n": "20"]))
        next.resumeBelowLastReturned()
        #expect(next.skip == 20)
        #expect(next.windowTo == nil)
    }

    @Test("both edges full seal within the codec's length")
    func fullEdgesFit() {
        var state = WildberriesListCursor(status: nil, since: Timestamp(millisecondsSinceEpoch: 1_780_000_000_000))
        for index in 0..<200 { state.noteReturned(id: "YX52RZEBhH9mrcYd\(index)", second: 1_780_000_100) }
        state.excluded = state.lastIDs
        state.windowTo = 1_780_000_100
        state.skip = 1_000
        #expect(CursorCodec.sealedLength(of: state.cursor) <= CursorCodec.maxLength)
    }
}

import Connectors
@testable import Marketplaces
import Testing

@Suite("Wildberries updates cursor")
struct WildberriesUpdatesCursorTests {
    private typealias Side = WildberriesUpdatesCursor.Side

    @Test("given records reported within the hour, then an older one not reported is new and the reported ones are not")
    func keepsTheWindow() {
        var side = Side()
        side.advance(id: "a", second: 1_000, overlap: 3600, limit: 48)
        side.advance(id: "b", second: 2_000, overlap: 3600, limit: 48)
        #expect(side.from == nil)
        #expect(side.isNew(id: "late", second: 1_500))
        #expect(!side.isNew(id: "a", second: 1_000))
        side.advance(id: "c", second: 5_000, overlap: 3600, limit: 48)
        #expect(side.from == 1_400)
        #expect(side.kept.map(\.second) == [2_000, 5_000])
        #expect(!side.isNew(id: "older", second: 1_399))
    }

    @Test("given more reported in one second than the cursor keeps, then the window stays at that second and lets the first ones go by count")
    func lettingGoInOneSecond() {
        var side = Side()
        for index in 0..<5 { side.advance(id: "r\(index)", second: 7_000, overlap: 3600, limit: 3) }
        #expect(side.from == 7_000)
        #expect(side.letGo == 2)
        #expect(side.kept.count == 3)
        side.advance(id: "next", second: 7_001, overlap: 3600, limit: 3)
        #expect(side.from == 7_001)
        #expect(side.letGo == 0)
        #expect(side.kept.map(\.second) == [7_001])
    }

    @Test("given the keys over the limit, then the window drops its oldest second whole, never starting inside one")
    func dropsWholeSeconds() {
        var side = Side()
        for (id, second) in [("x", 100), ("e1", 100), ("e2", 100), ("a", 101), ("b", 102)] {
            side.advance(id: id, second: Int64(second), overlap: 3600, limit: 4)
        }
        #expect(side.from == 101)
        #expect(side.letGo == 0)
        #expect(side.kept.map(\.second) == [101, 102])
    }

    @Test("given a full window, when a page holds two late records of its oldest second, then both are new: the window moves only after the page")
    func lateSiblingsInOnePage() {
        var side = Side()
        for index in 0..<48 { side.advance(id: "r\(index)", second: 1_000 + Int64(index), overlap: 3600, limit: 48) }
        side.note(id: "late-1", second: 1_000)
        #expect(side.isNew(id: "late-2", second: 1_000))
        side.note(id: "late-2", second: 1_000)
        side.trim(overlap: 3600, limit: 48)
        #expect(side.from == 1_001)
        #expect(side.kept.count == 47)
    }

    @Test("a cursor with both sides full round-trips and seals within the codec's length")
    func roundTripAndLength() throws {
        var state = WildberriesUpdatesCursor()
        for index in 0..<200 {
            state.unanswered.advance(id: "YX52RZEBhH9mrcY\(index)", second: 1_780_000_000 + Int64(index * 50),
                                     overlap: WildberriesUpdatesCursor.overlap, limit: WildberriesUpdatesCursor.keptLimit)
            state.answered.advance(id: "Qw\(index)", second: 1_780_000_000, overlap: WildberriesUpdatesCursor.overlap,
                                   limit: WildberriesUpdatesCursor.keptLimit)
        }
        state.answeredFirst = true
        #expect(state.unanswered.kept.count == WildberriesUpdatesCursor.keptLimit)
        #expect(state.answered.letGo == 200 - WildberriesUpdatesCursor.keptLimit)
        #expect(try WildberriesUpdatesCursor(state.cursor) == state)
        #expect(CursorCodec.sealedLength(of: state.cursor) <= CursorCodec.maxLength)
    }

    @Test("a cursor of the earlier version opens at its watermark, with the ids it named as reported")
    func earlierVersion() throws {
        let state = try WildberriesUpdatesCursor(Cursor(["v": "u1", "u": "1780000000", "ue": "a,b", "un": "5"]))
        #expect(state.unanswered.from == 1_780_000_000)
        #expect(state.unanswered.letGo == 3)
        #expect(!state.unanswered.isNew(id: "b", second: 1_780_000_000))
        #expect(state.unanswered.isNew(id: "c", second: 1_780_000_000))
        #expect(state.answered == Side())
    }
}

private extension WildberriesUpdatesCursor.Side {
    /// Notes a record reported and brings the window within its bounds, as a page's end does.
    mutating func advance(id: String, second: Int64, overlap: Int64, limit: Int) {
        note(id: id, second: second)
        trim(overlap: overlap, limit: limit)
    }
}

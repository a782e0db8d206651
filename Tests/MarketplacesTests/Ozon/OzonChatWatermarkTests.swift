import Connectors
import Foundation
@testable import Marketplaces
import Testing

@Suite("Ozon chat updates cursor")
struct OzonChatWatermarkTests {
    /// A chat id as Ozon writes them and a 19-digit message id, as real accounts have.
    func chat(_ n: Int) -> (String, UInt64) {
        (UUID().uuidString.lowercased(), 3_000_000_000_118_032_000 + UInt64(n))
    }

    @Test("given a full edge and a sweep with a long list position, when a call reports more chats, then the cursor still seals within 2 KB and opens to the same state")
    func longSweepPosition() throws {
        // given
        let edge = Dictionary(uniqueKeysWithValues: (0..<OzonChatWatermark.maxEdge).map { chat($0) })
        let state = OzonChatWatermark(mark: 3_000_000_000_000_000_000, edge: edge, top: 3_000_000_000_118_032_500)
        var sweep = OzonChatSweep(ceiling: 3_000_000_000_118_032_500)
        sweep.token = String(repeating: "Qk", count: OzonChatSweep.maxToken / 2)
        sweep.pages = 7
        sweep.lowest = 3_000_000_000_000_000_001
        // when
        let next = state.advanced(reporting: (100..<130).map { chat($0) }, ceiling: state.mark, seen: 3_000_000_000_118_032_600,
                                  continuing: sweep)
        // then
        #expect(CursorCodec.sealedLength(of: next.cursor) <= CursorCodec.maxLength)
        #expect(next.mark == state.mark)
        #expect(!next.edge.isEmpty && next.edge.count <= OzonChatWatermark.maxEdge)
        let dropped = try #require(next.sweep?.dropped, "the chats let go of are noted")
        #expect(next.edge.values.allSatisfy { $0 > dropped }, "the newest are kept, every chat let go of older than they")
        let codec = CursorCodec(key: Array(repeating: 7, count: 32))
        let key = ConnectorKey(.ozon, .chat)
        let reopened = try OzonChatWatermark(codec.open(codec.seal(next.cursor, for: key, tenant: "t"), for: key, tenant: "t"))
        #expect(reopened == next)
    }

    @Test("given a split page, then the cursor carries the chats reported from it; any other, whatever its id, is awaited, a reported one is not")
    func splitPageKeys() throws {
        let codec = CursorCodec(key: Array(repeating: 7, count: 32))
        let key = ConnectorKey(.ozon, .chat)
        let state = OzonChatWatermark(mark: 3_000_000_000_000_000_000, top: 3_000_000_000_118_032_500)
        // given: a page whose lowest id was 50 above the mark, 30 chats reported from it, two of
        // them slid in from below on a read before
        let lowest: UInt64 = 3_000_000_000_118_032_050
        let reported = (60..<88).map { chat($0) } + [chat(3), chat(4)]
        var sweep = OzonChatSweep(ceiling: 3_000_000_000_118_032_500)
        sweep.token = "Qk9LMTIz"
        sweep.noteReported(reported.map { (chatID: $0.0, lastMessageID: $0.1) }, held: reported.map(\.0) + ["held"])
        // when
        let next = state.advanced(reporting: reported, ceiling: state.mark, seen: 3_000_000_000_118_032_600, continuing: sweep)
        let reopened = try OzonChatWatermark(codec.open(codec.seal(next.cursor, for: key, tenant: "t"), for: key, tenant: "t"))
        // then
        #expect(reopened == next)
        // a process of the earlier version reads the keys only beside the page's lowest id: the
        // highest there is makes its rule this one
        #expect(next.cursor["rl"] == String(UInt64.max))
        let sweepAfter = try #require(reopened.sweep)
        #expect(sweepAfter.reportedUpTo == reported.map(\.1).max())
        #expect(sweepAfter.reportedKeys.count == 31)
        // a chat the page did not hold is awaited, below the page's lowest id or among the
        // reported ones' (on a list not in id order, one that slid in can hold any id); whether
        // it is news is the watermark's to say. One it held or reported is not, unless a newer
        // message came
        #expect(sweepAfter.awaits(chatID: "slid-in", lastMessageID: lowest - 7))
        #expect(sweepAfter.awaits(chatID: "slid-in-among", lastMessageID: reported[5].1 + 1))
        #expect(!sweepAfter.awaits(chatID: reported[29].0, lastMessageID: reported[29].1))
        #expect(!sweepAfter.awaits(chatID: reported[5].0, lastMessageID: reported[5].1))
        #expect(!sweepAfter.awaits(chatID: "held", lastMessageID: lowest + 2))
        #expect(sweepAfter.awaits(chatID: "above", lastMessageID: reported.map(\.1).max()! + 1))
    }

    @Test("given more chats reported from one page than a cursor carries keys for, then the newest 100 are kept and the cursor opens again")
    func slidInKeysCapped() throws {
        let codec = CursorCodec(key: Array(repeating: 7, count: 32))
        let key = ConnectorKey(.ozon, .chat)
        var sweep = OzonChatSweep(ceiling: 3_000_000_000_118_032_500)
        sweep.token = "Qk9LMTIz"
        let slid = (0..<110).map { chat($0) }
        sweep.noteReported(slid.map { (chatID: $0.0, lastMessageID: $0.1) }, held: [])
        let state = OzonChatWatermark(mark: 3_000_000_000_000_000_000, top: 3_000_000_000_118_032_500)
        let next = state.advanced(reporting: [], ceiling: state.mark, seen: 3_000_000_000_118_032_600, continuing: sweep)
        let reopened = try OzonChatWatermark(codec.open(codec.seal(next.cursor, for: key, tenant: "t"), for: key, tenant: "t"))
        #expect(reopened.sweep?.reportedKeys.count == OzonChatSweep.maxReportedKeys)
        #expect(reopened.sweep?.awaits(chatID: slid[109].0, lastMessageID: slid[109].1) == false)
    }

    @Test("given a sweep that let reported chats go, when it completes, then the mark rises as far as if all had been reported at once")
    func completionCountsDroppedChats() {
        // given: 60 chats reported over a sweep's calls, the newest 20 kept, the 21st newest let go of
        let reported = (0..<60).map { chat($0) }
        var state = OzonChatWatermark(mark: 1, edge: Dictionary(uniqueKeysWithValues: reported.suffix(20)), top: 0)
        var sweep = OzonChatSweep(ceiling: reported[59].1)
        sweep.pages = 2
        sweep.drop(reported[39].1)
        state.sweep = sweep
        // when: the last call reports nothing more
        let next = state.advanced(reporting: [], ceiling: sweep.ceiling, seen: reported[59].1)
        // then
        #expect(next.mark == reported[39].1)
        #expect(Set(next.edge.keys) == Set(reported.suffix(20).map(\.0)))
        #expect(next.sweep == nil)
        #expect(!next.forgets(Dictionary(uniqueKeysWithValues: reported), droppedUpTo: sweep.dropped))
    }

    @Test("given a full edge, when a middle call of a sweep reports newer chats and the sweep then completes, then the mark stops at the 21st newest reported")
    func markTrailsAfterSweep() {
        // given: 20 chats held, a sweep under way
        let held = (0..<20).map { chat($0) }
        var state = OzonChatWatermark(mark: 1, edge: Dictionary(uniqueKeysWithValues: held), top: 0)
        var sweep = OzonChatSweep(ceiling: .max)
        sweep.pages = 1
        state.sweep = sweep
        // when: a middle call reports five newer, then the last call nothing
        let fresh = (100..<105).map { chat($0) }
        let middle = state.advanced(reporting: fresh, ceiling: state.mark, seen: fresh[4].1, continuing: sweep)
        let done = middle.advanced(reporting: [], ceiling: .max, seen: fresh[4].1)
        // then: the newest 20 kept, the mark just below them
        #expect(done.mark == held[4].1)
        #expect(Set(done.edge.values) == Set((held.suffix(15) + fresh).map(\.1)))
    }

    @Test("a cursor whose sweep fields are missing or malformed is refused",
          arguments: [["p": "2"], ["p": "x", "c": "1", "l": "1", "o": "1"], ["p": "0", "c": "1", "l": "1", "o": "1"],
                      ["p": "2", "c": "1", "l": "1", "o": "2"], ["p": "2", "c": "1", "l": "1", "o": "1", "s": ""],
                      ["p": "2", "c": "1", "l": "1", "o": "1", "r": "-1"]])
    func malformedSweep(fields: [String: String]) {
        let cursor = Cursor(fields.merging(["k": "chat-updates", "w": "5", "e": "", "t": "9"]) { $1 })
        #expect(throws: ConnectorError.self) { try OzonChatWatermark(cursor) }
    }

    /// A listed chat of `type` whose last message is `id` (0: none).
    func listed(_ id: UInt64, type: String = "BUYER_SELLER") throws -> OzonChatListed {
        let message = id == 0 ? "" : #","last_message_id":\#(id)"#
        let json = #"{"chat":{"chat_id":"\#(UUID().uuidString.lowercased())","chat_type":"\#(type)"}\#(message)}"#
        return OzonChatListed(entry: try OzonChatListEntry(parsing: Array(json.utf8)), raw: nil)
    }

    @Test("given a list most recent first under a support chat pinned on top with an old message, and a chat without messages among them, then the sweep reads it as in order; a conversation above an earlier one is not")
    func orderIgnoresPinnedAndEmptyChats() throws {
        var sweep = OzonChatSweep(ceiling: 0)
        for chat in [try listed(5, type: "SELLER_SUPPORT"), try listed(1_000), try listed(999), try listed(0), try listed(998),
                     try listed(2_000, type: "SELLER_API_NOTIFICATIONS"), try listed(997)] {
            sweep.read(chat)
        }
        #expect(sweep.inOrder)
        #expect(sweep.lowest == 997)
        sweep.read(try listed(998))
        #expect(!sweep.inOrder)
    }
}

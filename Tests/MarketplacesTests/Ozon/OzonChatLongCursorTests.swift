import Connectors
import MarketplaceSimulator
@testable import Marketplaces
import Testing

@Suite("Ozon chat connector, with a long chat list cursor")
struct OzonChatLongCursorTests {
    @Test("given a chat list cursor of a kilobyte and a client reading updates a few at a time, then the sweep ends and every conversation is reported once (a cursor too long to carry would throw)",
          .timeLimit(.minutes(1)), arguments: [850, 1000])
    func sweepEnds(cursorLength: Int) async throws {
        var options = OzonTestbed.simulatorOptions(chats: 250)
        options.chatListCursorLength = cursorLength
        try await OzonTestbed.run(simulator: options) { bed in
            // when: 250 chats, 7 a call
            let (reported, hasMore) = try await bed.drainUpdates(try bed.chat, limit: 7, calls: 80)
            // then
            #expect(!hasMore, "still more after 80 calls, \(Set(reported).count) of 250 conversations reported")
            let conversations = Set(bed.host.chats().filter { $0.type == "BUYER_SELLER" }.map(\.id))
            #expect(Set(reported) == conversations)
            #expect(reported.count == Set(reported).count, "reported twice: \(reported.count - Set(reported).count)")
        }
    }
}

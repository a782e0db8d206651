import Connectors
import MarketplaceSimulator
@testable import Marketplaces
import Testing

@Suite("Ozon chat connector, with a long chat list cursor")
struct OzonChatLongCursorTests {
    @Test("given a chat list cursor of a kilobyte and a client reading updates a few at a time, then the sweep ends, every conversation is reported, and every cursor fits",
          .timeLimit(.minutes(1)), arguments: [850, 1000])
    func sweepEnds(cursorLength: Int) async throws {
        var options = OzonTestbed.simulatorOptions(chats: 250)
        options.chatListCursorLength = cursorLength
        try await OzonTestbed.run(simulator: options) { bed in
            let connector = try bed.chat
            // when
            var reported: [String] = []
            var cursor: Cursor?
            var calls = 0
            var page: UpdatesPage
            repeat {
                page = try await connector.updates(since: cursor, limit: 7, deadline: bed.deadline)
                reported += page.items.map(\.id)
                #expect(CursorCodec.sealedLength(of: page.nextCursor) <= CursorCodec.maxLength)
                cursor = page.nextCursor
                calls += 1
            } while page.hasMore && calls < 80
            // then: 250 chats, 7 a call
            #expect(!page.hasMore, "still more after \(calls) calls, \(Set(reported).count) of 250 conversations reported")
            let conversations = Set(bed.host.chats().filter { $0.type == "BUYER_SELLER" }.map(\.id))
            #expect(Set(reported) == conversations)
            #expect(reported.count == Set(reported).count, "reported twice: \(reported.count - Set(reported).count)")
        }
    }
}

import Connectors
@testable import Marketplaces
import Testing

@Suite("Wildberries chat ledger")
struct WildberriesChatLedgerTests {
    @Test("given the stream refused the reading's position, then it starts over; refused at that same place again, it stays there, and only a refusal elsewhere starts over once more")
    func restartOnce() {
        // given: a reading at 5_000, refused there
        let ledger = WildberriesChatLedger()
        ledger.advance(to: WildberriesEventPosition(watermark: 5_000, seen: ["e1"]))
        ledger.restartReading(refusedAt: 4_999)
        // then: from the oldest event
        #expect(ledger.position.watermark == nil)
        // when: the reading comes back up to the same place, and is refused there again
        ledger.advance(to: WildberriesEventPosition(watermark: 5_000, seen: ["e1"]))
        ledger.restartReading(refusedAt: 4_999)
        // then: it stays, so the next calls fail there and the failure is seen
        #expect(ledger.position.watermark == 5_000)
        // when: refused at another place, later
        ledger.advance(to: WildberriesEventPosition(watermark: 9_000, seen: ["e2"]))
        ledger.restartReading(refusedAt: 8_999)
        #expect(ledger.position.watermark == nil)
    }
}

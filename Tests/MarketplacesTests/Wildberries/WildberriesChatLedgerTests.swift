import Connectors
@testable import Marketplaces
import Testing

@Suite("Wildberries chat ledger")
struct WildberriesChatLedgerTests {
    @Test("given the stream refused the reading's position, then it starts over once, and pages read before that place end no run of failures")
    func restartOnce() {
        // given: a reading at 5_000, refused there
        let ledger = WildberriesChatLedger()
        ledger.advance(to: WildberriesEventPosition(watermark: 5_000, seen: ["e1"]))
        #expect(ledger.catchUpFailed() == 1)
        ledger.restartReading(refusedAt: 4_999)
        // then: from the oldest event
        #expect(ledger.position.watermark == nil)
        // when: pages before the refused place are read, and it is refused again
        ledger.advance(to: WildberriesEventPosition(watermark: 3_000, seen: ["e0"]))
        ledger.catchUpSucceeded()
        ledger.restartReading(refusedAt: 4_999)
        // then: no second start-over, and the failures go on counting
        #expect(ledger.position.watermark == 3_000)
        #expect(ledger.catchUpFailed() == 2)
        // when: the reading gets past the place, a success ends the run, and a later refusal may start over again
        ledger.advance(to: WildberriesEventPosition(watermark: 6_000, seen: ["e2"]))
        ledger.catchUpSucceeded()
        #expect(ledger.catchUpFailed() == 1)
        ledger.restartReading(refusedAt: 6_999)
        #expect(ledger.position.watermark == nil)
    }
}

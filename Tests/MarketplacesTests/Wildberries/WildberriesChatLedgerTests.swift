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

    @Test("given catch-ups that began together and all fail, then they count as one failure; one begun after a counted failure counts again, and a success starts the count over")
    func catchUpsAtOnceCountOnce() {
        // given: three catch-ups begun together
        let ledger = WildberriesChatLedger()
        let together = ledger.catchUpFailureMark
        // when / then: each fails, one failure in all
        #expect((0..<3).map { _ in ledger.catchUpFailed(since: together) } == [1, 1, 1])
        // the next ones, each begun after the last failure, count in a row
        #expect(ledger.catchUpFailed(since: ledger.catchUpFailureMark) == 2)
        #expect(ledger.catchUpFailed(since: ledger.catchUpFailureMark) == 3)
        // a success starts over
        ledger.catchUpSucceeded()
        #expect(ledger.catchUpFailed(since: ledger.catchUpFailureMark) == 1)
    }
}

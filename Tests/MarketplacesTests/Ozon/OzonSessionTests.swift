import Connectors
@testable import Marketplaces
import Testing

@Suite("Ozon session: the time a reply keeps back")
struct OzonSessionTests {
    @Test("given the connectors' clock an hour behind this machine's, then a reply keeps a quarter of the time left on that clock for looking it up, at most 3 s",
          arguments: [(8, 2_000), (2, 500), (60, 3_000), (-1, 0)])
    func lookupReserveOnTheCallersClock(secondsLeft: Int, reserveMilliseconds: Int) async throws {
        try await OzonTestbed.run { bed in
            // given
            bed.clock.advance(by: .seconds(-3600))
            let session = try bed.review.session
            // when
            let deadline = bed.clock.now + .seconds(secondsLeft)
            let reserve = session.caller.lookupReserve(until: deadline)
            let leftAfter = deadline - bed.clock.now
            // then: this clock runs on with real time, so no more than the quarter of the time
            // left before the call and no less than the quarter of what was left after it
            #expect(reserve <= .milliseconds(reserveMilliseconds))
            #expect(reserve >= min(.seconds(3), max(.zero, leftAfter) / 4))
        }
    }
}

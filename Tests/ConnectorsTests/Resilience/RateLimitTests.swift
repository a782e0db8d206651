@testable import Connectors
import Testing

@Suite("Published upstream limits", .timeLimit(.minutes(1)))
struct RateLimitTests {
    /// How many calls a tenant firing as fast as the budget allows gets through in `window`,
    /// counted on a clock that jumps over every wait.
    func callsLetThrough(_ limit: RateLimit, in window: Duration) async -> Int {
        let clock = JumpingClock()
        let budget = RateBudget(limit: limit, clock: clock)
        let lastInstant = clock.start + window - .nanoseconds(1)
        var count = 0
        while (try? await budget.acquire(deadline: lastInstant, marketplace: .wildberries)) != nil {
            count += 1
        }
        return count
    }

    @Test("Wildberries feedbacks and questions: a burst of 6, then 3 per second")
    func wildberriesFeedbacks() async {
        #expect(RateLimit.wildberriesFeedbacks.burst == 6)
        #expect(await callsLetThrough(.wildberriesFeedbacks, in: .nanoseconds(1)) == 6)
        // 6 at once, then one every third of a second: 3·60 more in a minute, the last one
        // landing on the minute's end and so outside it.
        #expect(await callsLetThrough(.wildberriesFeedbacks, in: .seconds(60)) == 6 + 3 * 60 - 1)
    }

    @Test("Wildberries chat: 10 per 10 seconds")
    func wildberriesChat() async {
        #expect(await callsLetThrough(.wildberriesChat, in: .nanoseconds(1)) == 10)
        #expect(await callsLetThrough(.wildberriesChat, in: .seconds(10)) == 10 + 9)
        #expect(await callsLetThrough(.wildberriesChat, in: .seconds(60)) == 10 + 59)
    }

    @Test("Ozon: never more than 50 in any second, and 50 every second under load")
    func ozon() async {
        #expect(await callsLetThrough(.ozon, in: .seconds(1)) == 50)
        #expect(await callsLetThrough(.ozon, in: .seconds(60)) == 50 * 60)
    }
}

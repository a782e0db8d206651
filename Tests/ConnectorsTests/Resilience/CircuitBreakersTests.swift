@testable import Connectors
import Testing

@Suite("Circuit breakers per seller account on one host")
struct CircuitBreakersTests {
    @Test("given one account's circuit open, then another account's is closed and the same account's is the open one")
    func perAccount() throws {
        let clock = ManualClock()
        let breakers = CircuitBreakers(host: "api-seller.ozon.ru", failureThreshold: 2, coolDown: .seconds(30), clock: clock)
        for _ in 0..<2 {
            let breaker = breakers.breaker(for: "111")
            breaker.record(.failure, for: try breaker.admit(marketplace: .ozon))
        }
        #expect(breakers.breaker(for: "111").state == .open)
        #expect(breakers.breaker(for: "222").state == .closed)
        #expect(breakers.breaker(for: "111") === breakers.breaker(for: "111"))
        #expect(breakers.breaker(for: "222").host == "api-seller.ozon.ru")
    }
}

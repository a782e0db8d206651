import MarketplaceSimulator
import Testing

@Suite("Simulator request log")
struct RequestLogTests {
    @Test("given more requests than it keeps, then it keeps the latest, counts them all, and does not grow")
    func bounded() {
        let log = RequestLog(capacity: 8)
        for index in 0..<100 {
            log.record(RequestLog.Entry(method: "GET", path: index % 2 == 0 ? "/even" : "/odd", status: 200))
        }
        #expect(log.total == 100)
        #expect(log.all.count == 8)
        #expect(log.count(path: "/even") == 4)
        #expect(log.all.last?.path == "/odd")
        log.reset()
        #expect(log.total == 0)
        #expect(log.all.isEmpty)
    }
}

import HTTP
import Testing

@Suite("A ceiling on body bytes held at once")
struct BodyBudgetTests {
    @Test("given a budget of 100, then takes fit up to 100, one past it takes nothing, and releases make room again")
    func takesAndReleases() {
        let budget = BodyBudget(limit: 100)
        #expect(budget.take(60))
        #expect(!budget.take(50))
        #expect(budget.inUse == 60, "a refused take holds nothing")
        #expect(budget.take(40))
        #expect(!budget.take(1))
        budget.release(60)
        #expect(budget.inUse == 40)
        #expect(budget.take(60))
        #expect(!budget.take(Int.max), "no overflow on a huge take")
    }

    @Test("given many tasks taking and releasing at once, then the budget is never passed and ends empty")
    func concurrent() async {
        let budget = BodyBudget(limit: 1000)
        let passed = await withTaskGroup(of: Bool.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var passed = false
                    for round in 0..<2000 {
                        let size = (task * 37 + round * 11) % 300 + 1
                        if budget.take(size) {
                            if budget.inUse > budget.limit { passed = true }
                            budget.release(size)
                        }
                    }
                    return passed
                }
            }
            return await group.reduce(false) { $0 || $1 }
        }
        #expect(!passed)
        #expect(budget.inUse == 0)
    }
}

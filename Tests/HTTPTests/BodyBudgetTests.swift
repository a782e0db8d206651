import HTTP
import Testing

@Suite("A ceiling on body bytes held at once")
struct BodyBudgetTests {
    @Test("given a ceiling of 1,000,000, then takes fit up to it, one past it takes nothing, one larger than the ceiling never fits, and releases make room again")
    func takesAndReleases() {
        let budget = BodyBudget(limit: 1_000_000)
        #expect(budget.take(600_000) == .taken)
        #expect(budget.take(500_000) == .full)
        #expect(budget.inUse == 600_000, "a refused take holds nothing")
        #expect(budget.take(400_000) == .taken)
        #expect(budget.take(70_000) == .full)
        #expect(budget.take(2_000_000) == .neverFits)
        #expect(budget.take(10, message: 999_995) == .neverFits, "the message's own bytes count")
        #expect(budget.take(.max) == .neverFits, "no overflow on a huge take")
        budget.release(600_000)
        #expect(budget.inUse == 400_000)
    }

    @Test("given a full ceiling, then a message of 64 KiB or less in all is still taken, over it; a larger one is not")
    func smallMessagesAlwaysAdmitted() {
        let budget = BodyBudget(limit: 1_000_000)
        #expect(budget.take(1_000_000) == .taken)
        #expect(budget.take(40) == .taken)
        #expect(budget.take(60_000, message: 5_000) == .taken)
        #expect(budget.inUse == 1_060_040)
        #expect(budget.take(1_000, message: 65_000) == .full)
    }

    @Test("given a lease of taken bytes, then they are given back when its last copy goes, not before")
    func lease() {
        let budget = BodyBudget(limit: 1_000_000)
        #expect(budget.take(300_000) == .taken)
        do {
            let lease = budget.lease(300_000)
            let copy = lease
            withExtendedLifetime(lease) {}
            withExtendedLifetime(copy) { #expect(budget.inUse == 300_000, "a copy still holds the bytes") }
        }
        #expect(budget.inUse == 0)
    }

    @Test("given many tasks taking and releasing large messages at once, then the ceiling is never passed and ends empty")
    func concurrent() async {
        let budget = BodyBudget(limit: 1_000_000)
        let passed = await withTaskGroup(of: Bool.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var passed = false
                    for round in 0..<500 {
                        let size = 70_000 + (task * 3_701 + round * 1_103) % 200_000
                        if budget.take(size) == .taken {
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

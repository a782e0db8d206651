@testable import Connectors
import Foundation
import Synchronization
import Testing

@Suite("Upstream caller: connections before rate slots")
struct UpstreamCallerConnectionTests {
    @Test("given both connections held by calls that hang, when four more calls wait and the hung ones end, then the four go out as the budget allows (two at once, then one a second), not together")
    func waitingCallsKeepToTheBudget() async throws {
        // given: a client of two connections, a budget of 1 call a second with a burst of 2,
        // and two calls that take both connections and hang
        let (clock, client, _, caller) = Self.caller(connections: 2, hangingCalls: 2, budget: RateLimit(burst: 2, interval: .seconds(1)))
        let start = clock.now
        let deadline = start + .seconds(60)
        let hung = (0..<2).map { _ in Task { try await caller.call(.read, deadline: deadline) } }
        await client.waitForConnections(2)
        // when: four more calls, and ten seconds during which the hung ones hold the connections
        let waiting = (0..<4).map { _ in Task { try await caller.call(.read, deadline: deadline) } }
        clock.advance(to: start + .seconds(10))
        hung.forEach { $0.cancel() }
        // then: two go out at once, and one more at each of the next two seconds
        await client.waitForConnections(4)
        clock.advance(to: start + .seconds(11))
        await client.waitForConnections(5)
        clock.advance(to: start + .seconds(12))
        for call in waiting { #expect(try await call.value.status == 200) }
        let times = client.connectedAt.dropFirst(2).map { $0 - start }
        #expect(times == [.seconds(10), .seconds(10), .seconds(11), .seconds(12)])
        for call in hung { _ = await call.result }
        #expect(caller.permits?.inUse == 0)
    }

    @Test("given the only connection held past a waiting call's deadline, then that call fails as not sent, with no slot of the budget spent")
    func noConnectionInTime() async throws {
        // (a slot comes back only after a minute: none does during the test)
        let (clock, client, budget, caller) = Self.caller(connections: 1, hangingCalls: 1, budget: RateLimit(burst: 5, interval: .seconds(60)))
        // (without permits the late call would wait inside the client, and this test with it)
        try #require(caller.permits != nil, "the client's connections are not counted")
        let hung = Task { try await caller.call(.read, deadline: clock.now + .seconds(60)) }
        await client.waitForConnections(1)
        // when: a call with 5 s, which must keep the minimum attempt time (1 s) when it goes
        let late = Task { try await caller.call(.read, deadline: clock.now + .seconds(5)) }
        // (two sleepers: the hung call's, and the late call's wait for a connection)
        await clock.waitForSleepers(2)
        clock.advance(by: .seconds(4))
        // then
        let result = await late.result
        guard case .failure(let error) = result, case .upstreamTimeout(let failure?) = error as? ConnectorError else {
            Issue.record("\(result)")
            return
        }
        #expect(failure.message.contains("nothing was sent"))
        #expect(client.connectedAt.count == 1)
        #expect(budget.available == 4, "only the hung call's slot is spent")
        hung.cancel()
        _ = await hung.result
        #expect(caller.permits?.inUse == 0)
    }
}

extension UpstreamCallerConnectionTests {
    /// A caller over a `PooledUpstreamClient`, on a manual clock, with a breaker that stays closed.
    static func caller(connections: Int, hangingCalls: Int, budget limit: RateLimit)
        -> (ManualClock, PooledUpstreamClient, RateBudget, UpstreamCaller) {
        let clock = ManualClock()
        let client = PooledUpstreamClient(connections: connections, hangingCalls: hangingCalls, clock: clock)
        let budget = RateBudget(limit: limit, clock: clock)
        let caller = UpstreamCaller(marketplace: .wildberries, client: client, classifier: StatusClassifier(), budget: budget,
                                    breaker: CircuitBreaker(host: client.host, failureThreshold: 100, coolDown: .seconds(30), clock: clock),
                                    clock: clock)
        return (clock, client, budget, caller)
    }
}

/// An upstream client with a fixed number of connections, as the real ones have: a call past
/// them waits inside `send` for one to come free, which is the wait `ConnectionPermits` keeps
/// callers out of. The first `hangingCalls` calls hold their connection until cancelled; the
/// others are answered 200 at once. When each call got its connection is recorded.
final class PooledUpstreamClient: UpstreamClient {
    let host = "upstream.test"
    let connectionLimit: Int?
    private let hangingCalls: Int
    private let clock: ManualClock

    private struct State {
        var busy = 0
        var queue: [CheckedContinuation<Void, Never>] = []
        var connectedAt: [ContinuousClock.Instant] = []
        var watchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    init(connections: Int, hangingCalls: Int, clock: ManualClock) {
        connectionLimit = connections
        self.hangingCalls = hangingCalls
        self.clock = clock
    }

    var connectedAt: [ContinuousClock.Instant] { state.withLock { $0.connectedAt } }

    func waitForConnections(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready: Bool = state.withLock { state in
                if state.connectedAt.count >= count { return true }
                state.watchers.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    func send(_ request: UpstreamRequest, timeout: Duration) async throws(UpstreamTransportError) -> UpstreamResponse {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now: Bool = state.withLock { state in
                guard state.busy < connectionLimit! else {
                    state.queue.append(continuation)
                    return false
                }
                state.busy += 1
                return true
            }
            if now { continuation.resume() }
        }
        let (index, ready): (Int, [CheckedContinuation<Void, Never>]) = state.withLock { state in
            state.connectedAt.append(clock.now)
            let ready = state.watchers.filter { $0.count <= state.connectedAt.count }.map(\.continuation)
            state.watchers.removeAll { $0.count <= state.connectedAt.count }
            return (state.connectedAt.count - 1, ready)
        }
        ready.forEach { $0.resume() }
        defer {
            // the connection goes to the first call in line, or comes free
            let next: CheckedContinuation<Void, Never>? = state.withLock { state in
                if state.queue.isEmpty {
                    state.busy -= 1
                    return nil
                }
                return state.queue.removeFirst()
            }
            next?.resume()
        }
        if index < hangingCalls {
            while !Task.isCancelled { try? await clock.sleep(until: clock.now + .seconds(3600)) }
            throw .cancelled
        }
        return UpstreamResponse(status: 200, headers: [:], body: Data())
    }
}

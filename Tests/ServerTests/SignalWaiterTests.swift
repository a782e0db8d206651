import Glibc
import Server
import Testing

@Suite("Signal waiter")
struct SignalWaiterTests {
    @Test("a raised signal arrives on the stream instead of taking its default action",
          .timeLimit(.minutes(1)))
    func deliversSignals() async throws {
        // given: SIGUSR2 would terminate the test process by default
        let waiter = try SignalWaiter([SIGUSR2])
        var signals = waiter.signals.makeAsyncIterator()
        // when: sent to the process, as `kill` and container runtimes do; one at a time,
        // because a standard signal still pending when it is raised again is delivered once
        kill(getpid(), SIGUSR2)
        let first = await signals.next()
        kill(getpid(), SIGUSR2)
        let second = await signals.next()
        // then: both arrive, and the process is still alive to check
        #expect(first == SIGUSR2)
        #expect(second == SIGUSR2)
    }
}

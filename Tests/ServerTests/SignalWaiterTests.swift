import Glibc
import Server
import Testing

@Suite("Signal waiter")
struct SignalWaiterTests {
    @Test("a raised signal arrives on the stream instead of taking its default action")
    func deliversSignals() async throws {
        // given: SIGUSR2 would terminate the test process by default
        let waiter = try SignalWaiter([SIGUSR2])
        var signals = waiter.signals.makeAsyncIterator()
        // when: sent to the process, as `kill` and container runtimes do
        kill(getpid(), SIGUSR2)
        kill(getpid(), SIGUSR2)
        // then: both arrive, in order, and the process is still alive to check
        #expect(await signals.next() == SIGUSR2)
        #expect(await signals.next() == SIGUSR2)
    }
}

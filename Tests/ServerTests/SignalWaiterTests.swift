import Foundation
import Glibc
@testable import Server
import Testing

@Suite("Signal waiter")
struct SignalWaiterTests {
    @Test("a raised signal arrives on the stream instead of taking its default action",
          .timeLimit(.minutes(1)))
    func deliversSignals() async throws {
        // given: SIGUSR2 would terminate the test process by default
        let before = Self.threads(named: "signals")
        let waiter = try SignalWaiter([SIGUSR2])
        var signals = waiter.signals.makeAsyncIterator()
        // The waiter's own thread, the one that unblocks the signal. A signal sent to the process
        // (`kill`, as container runtimes do) goes to any thread that does not block it, here
        // possibly another test's, whose calls it would interrupt: this test sends it to that
        // thread alone, which is where it lands when every other thread blocks it.
        var thread: Int32?
        let deadline = ContinuousClock.now + .seconds(30)
        while thread == nil, ContinuousClock.now < deadline {
            thread = Self.threads(named: "signals").subtracting(before).first
            if thread == nil { try await Task.sleep(for: .milliseconds(5)) }
        }
        let tid = try #require(thread, "the waiter's thread never appeared")
        // glibc's tgkill(2) wrapper, which Swift's Glibc module does not declare
        let symbol = try #require(dlsym(nil, "tgkill"), "no tgkill in this libc")
        let tgkill = unsafeBitCast(symbol, to: (@convention(c) (pid_t, pid_t, Int32) -> Int32).self)
        // when: sent twice, one at a time, because a standard signal still pending when it is
        // raised again is delivered once
        #expect(tgkill(getpid(), tid, SIGUSR2) == 0)
        let first = await signals.next()
        #expect(tgkill(getpid(), tid, SIGUSR2) == 0)
        let second = await signals.next()
        // then: both arrive, and the process is still alive to check
        #expect(first?.signal == SIGUSR2)
        #expect(second?.signal == SIGUSR2)
        if let first, let second { #expect(first.at < second.at) }
    }

    @Test("given a first signal, then the same signal within the window is its echo, and a later or a different one is a second signal",
          arguments: [(SIGTERM, 0, true), (SIGTERM, 249, true), (SIGTERM, 250, false), (SIGTERM, 600, false), (SIGINT, 10, false)])
    func echo(signal: Int32, millisecondsLater: Int, isEcho: Bool) {
        let first = SignalWaiter.Arrival(signal: SIGTERM, at: ContinuousClock.now)
        let next = SignalWaiter.Arrival(signal: signal, at: first.at + .milliseconds(millisecondsLater))
        #expect(next.echoes(first, within: .milliseconds(250)) == isEcho)
    }

    /// This process's threads whose name is `name`, by thread id.
    private static func threads(named name: String) -> Set<Int32> {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return Set(tasks.compactMap { task in
            guard let comm = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8),
                  comm.trimmingCharacters(in: .newlines) == name else { return nil }
            return Int32(task)
        })
    }
}

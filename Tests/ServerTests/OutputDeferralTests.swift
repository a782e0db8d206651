import Glibc
import HTTP
import Server
import Synchronization
import Testing

@Suite("OutputDeferral: side work after the response")
struct OutputDeferralTests {
    /// What the deferred work saw: whether the response was already in the client's socket.
    private final class Observation: Sendable {
        let clientFD = Atomic<Int32>(-1)
        let sawResponse = Mutex<Bool?>(nil)
        let thread = Mutex<String?>(nil)
    }

    @Test func givenAHandlerDeferringWork_whenItResponds_thenTheWorkRunsOnTheLoopAfterTheResponseWasWritten() async throws {
        // given: a handler whose deferred work peeks at the client's socket
        let observation = Observation()
        let handler: Handler = { _, _ in
            OutputDeferral.afterOutput {
                // Written before this ran, the response reaches the client's socket at once or a
                // moment later (loopback's delivery can be deferred to ksoftirqd on a busy
                // machine): waited for, up to 2 s. Written only after this returns (on this very
                // thread), it cannot arrive meanwhile, and the wait ends empty.
                var watched = pollfd(fd: observation.clientFD.load(ordering: .acquiring), events: Int16(POLLIN), revents: 0)
                let ready = poll(&watched, 1, 2_000)
                observation.sawResponse.withLock { $0 = ready > 0 && watched.revents & Int16(POLLIN) != 0 }
                observation.thread.withLock { $0 = TestThreads.currentName() }
            }
            return HTTPResponse(status: .ok, body: Array("done".utf8))
        }
        try await withServer(handler: handler) { server in
            let client = try server.connect()
            observation.clientFD.store(client.fd, ordering: .releasing)
            // when: the response is read only after the deferred work has looked
            try client.send(get("/"))
            var seen: Bool?
            for _ in 0..<2_500 where seen == nil {
                seen = observation.sawResponse.withLock { $0 }
                if seen == nil { usleep(2_000) }
            }
            // then: the work ran on the loop thread, and by then the response was on the wire
            #expect(seen == true)
            #expect(observation.thread.withLock { $0 }?.hasPrefix("http-loop-") == true)
            #expect(try client.readResponse().text == "done")
        }
    }

    @Test func givenNoLoopThread_whenWorkIsDeferred_thenItRunsAtOnce() {
        // given
        let ran = Mutex(false)
        // when: on the test's own thread
        OutputDeferral.afterOutput { ran.withLock { $0 = true } }
        // then
        #expect(ran.withLock { $0 })
    }
}

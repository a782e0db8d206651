import CSystem
import Dispatch
import HTTP
import Synchronization

/// The loop that serves `HTTPClient` calls made off any server loop (from a plain task, a test,
/// a command): one thread, `http-client`, started on first use and kept for the process's life.
enum ClientLoop {
    static let shared: Result<LoopBound<EventLoop>, IOError> = start()

    private static func start() -> Result<LoopBound<EventLoop>, IOError> {
        // A write to a connection the upstream reset must fail with EPIPE, not kill a process
        // that uses the client without ever starting a server (which ignores SIGPIPE too).
        _ = cs_ignore_sigpipe()
        let executor: LoopExecutor
        do {
            executor = try LoopExecutor()
        } catch {
            return .failure(error)
        }
        let outcome = Mutex<Result<LoopBound<EventLoop>, IOError>?>(nil)
        let ready = DispatchSemaphore(value: 0)
        do {
            _ = try LoopThread(name: "http-client") {
                let loop: EventLoop
                do throws(IOError) {
                    loop = try EventLoop(index: -1, configuration: ServerConfiguration(), responder: Unused(), executor: executor,
                                         listener: nil, counter: ConnectionCounter(maximum: 1), shared: ServerShared())
                } catch {
                    outcome.withLock { $0 = .failure(error) }
                    ready.signal()
                    return
                }
                outcome.withLock { $0 = .success(LoopBound(loop, executor: executor)) }
                ready.signal()
                loop.run()
            }
        } catch {
            return .failure(error)
        }
        ready.wait()
        return outcome.withLock { $0! }
    }

    /// A loop with no listener gets no requests.
    private struct Unused: HTTPResponder {
        func respond(to request: HTTPRequest, context: RequestContext) async throws -> HTTPResponse {
            HTTPResponse(status: .notFound)
        }
    }
}

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// One call of `URLSessionUpstreamClient` in flight: its data task, its timeout and the
/// continuation of the task awaiting it. Three things may end it (the answer, the timeout
/// firing on `TimeoutScheduler`'s thread, the caller's cancellation), on three threads in any
/// order, and possibly before it started; the first one resumes the continuation, exactly once,
/// and the others find it over.
///
/// `URLSessionTask.cancel()` waits (`sync`) for URLSession's internal work queue. A timeout or
/// a cancellation can come on an event loop's thread, inside the Swift task's status lock,
/// which a completion being delivered on that queue may need (the lock-order inversion of
/// swift-corelibs-foundation issue 5412). So the URLSession cancel runs on a queue of its own:
/// no loop thread waits for URLSession.
final class UpstreamCall: Sendable {
    typealias Result = Swift.Result<UpstreamResponse, UpstreamTransportError>

    private enum State {
        case idle
        /// Ended (cancelled) before `start`: `start` resumes at once, with no data task.
        case endedEarly(Result)
        case running(URLSessionDataTask, CheckedContinuation<Result, Never>, timeout: UInt64)
        case finished
    }

    private let state = Mutex<State>(.idle)
    private static let cancellations = DispatchQueue(label: "connector-gateway.upstream-cancel", attributes: .concurrent)

    /// Creates the data task with `make` (whose completion must call the `finish` it is given)
    /// and resumes it, with a timeout armed; or resumes `continuation` at once when the call was
    /// already ended.
    func start(_ continuation: CheckedContinuation<Result, Never>, timeout: Duration,
               make: (@escaping @Sendable (Result) -> Void) -> URLSessionDataTask) {
        let early: Result? = state.withLock { state in
            switch state {
            case .idle:
                let task = make { [self] result in finish(result) }
                let timer = TimeoutScheduler.shared.schedule(after: timeout) { [self] in finish(.failure(.timedOut)) }
                state = .running(task, continuation, timeout: timer)
                task.resume()
                return nil
            case .endedEarly(let result):
                state = .finished
                return result
            case .running, .finished:
                return nil
            }
        }
        if let early { continuation.resume(returning: early) }
    }

    /// Ends the call with `result` unless something ended it first. A timeout or a cancellation
    /// also cancels the data task.
    func finish(_ result: Result) {
        let ended: (URLSessionDataTask, CheckedContinuation<Result, Never>, UInt64)? = state.withLock { state in
            switch state {
            case .idle:
                state = .endedEarly(result)
                return nil
            case .running(let task, let continuation, let timer):
                state = .finished
                return (task, continuation, timer)
            case .endedEarly, .finished:
                return nil
            }
        }
        guard let (task, continuation, timer) = ended else { return }
        TimeoutScheduler.shared.cancel(timer)
        if case .failure(let error) = result, error == .timedOut || error == .cancelled {
            Self.cancellations.async { task.cancel() }
        }
        continuation.resume(returning: result)
    }
}

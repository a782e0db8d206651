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
/// `URLSessionTask.cancel()` and `resume()`, and making a data task, wait (`sync`) for
/// URLSession's internal work queue. A timeout or a cancellation can come on an event loop's
/// thread, inside the Swift task's status lock, which a completion being delivered on that queue
/// may need (the lock-order inversion of swift-corelibs-foundation issue 5412), and a call is
/// started from the task of a request, which runs on a loop. So the data task is made and resumed
/// on one queue of this type's and cancelled on another: no loop thread waits for URLSession.
final class UpstreamCall: Sendable {
    typealias Result = Swift.Result<UpstreamResponse, UpstreamTransportError>

    private enum State {
        case idle
        /// Ended (cancelled) before `start`: `start` resumes at once, with no data task.
        case endedEarly(Result)
        /// Its data task is being made (on `starts`).
        case starting(CheckedContinuation<Result, Never>, timeout: UInt64)
        case running(URLSessionDataTask, CheckedContinuation<Result, Never>, timeout: UInt64)
        case finished
    }

    private let state = Mutex<State>(.idle)
    private static let cancellations = DispatchQueue(label: "connector-gateway.upstream-cancel", attributes: .concurrent)
    private static let starts = DispatchQueue(label: "connector-gateway.upstream-start", attributes: .concurrent)

    /// Arms the timeout and, off the calling thread, creates the data task with `make` (whose
    /// completion must call the `finish` it is given) and resumes it; or resumes `continuation`
    /// at once when the call was already ended.
    func start(_ continuation: CheckedContinuation<Result, Never>, timeout: Duration,
               make: @escaping @Sendable (@escaping @Sendable (Result) -> Void) -> URLSessionDataTask) {
        let early: Result? = state.withLock { state in
            switch state {
            case .idle:
                let timer = TimeoutScheduler.shared.schedule(after: timeout) { [self] in finish(.failure(.timedOut)) }
                state = .starting(continuation, timeout: timer)
                return nil
            case .endedEarly(let result):
                state = .finished
                return result
            case .starting, .running, .finished:
                return nil
            }
        }
        if let early {
            continuation.resume(returning: early)
            return
        }
        Self.starts.async { [self] in
            let task = make { [self] result in finish(result) }
            let started = state.withLock { state in
                guard case .starting(let continuation, let timer) = state else { return false }
                state = .running(task, continuation, timeout: timer)
                return true
            }
            // Ended while the task was made (timed out, cancelled): it is never sent, and cancelled
            // so that its session lets go of it (a made task stays registered until it ends).
            if started { task.resume() } else { task.cancel() }
        }
    }

    /// Ends the call with `result` unless something ended it first. A timeout or a cancellation
    /// also cancels the data task.
    func finish(_ result: Result) {
        let ended: (URLSessionDataTask?, CheckedContinuation<Result, Never>, UInt64, Result)? = state.withLock { state in
            switch state {
            case .idle:
                state = .endedEarly(Self.unsent(result))
                return nil
            case .starting(let continuation, let timer):
                state = .finished
                return (nil, continuation, timer, Self.unsent(result))
            case .running(let task, let continuation, let timer):
                state = .finished
                return (task, continuation, timer, result)
            case .endedEarly, .finished:
                return nil
            }
        }
        guard let (task, continuation, timer, ending) = ended else { return }
        TimeoutScheduler.shared.cancel(timer)
        if let task, case .failure(let error) = ending, error == .timedOut || error == .cancelled {
            Self.cancellations.async { task.cancel() }
        }
        continuation.resume(returning: ending)
    }

    /// `result` for a call that ends before its data task was resumed: nothing went out, so a
    /// timeout or a cancellation says so (a write must not be taken for one that may have applied).
    private static func unsent(_ result: Result) -> Result {
        switch result {
        case .failure(.cancelled): .failure(.cancelledUnsent)
        case .failure(.timedOut): .failure(.notSent("the attempt's time ran out before the request was sent"))
        default: result
        }
    }
}

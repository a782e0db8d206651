import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTP
import Synchronization

/// The delegate of `URLSessionUpstreamClient`'s sessions: gathers each data task's answer and
/// hands it to the call's `finish`, cutting off one that grows past `maxResponseBytes` (by its
/// announced length or by what arrived) rather than holding it whole; and answers every
/// redirect with "do not follow", so the 3xx itself is the response and the tenant's
/// credentials never go where a `Location` points.
final class UpstreamSessionDelegate: NSObject, URLSessionDataDelegate, Sendable {
    typealias Finish = @Sendable (Result<UpstreamResponse, UpstreamTransportError>) -> Void

    private struct Receiving {
        var data = Data()
        var finish: Finish
    }

    let maxResponseBytes: Int
    /// The ceiling on answer bytes held at once, shared with other clients: what a task has
    /// received is taken from it, and when the task ends handed to its answer's lease (given back
    /// once the answer is decoded) or, if it failed, given back at once.
    let answers: BodyBudget?
    /// Tasks in flight, by identifier (unique within a session; each session has its own delegate).
    private let receiving = Mutex<[Int: Receiving]>([:])

    init(maxResponseBytes: Int, answers: BodyBudget? = nil) {
        self.maxResponseBytes = maxResponseBytes
        self.answers = answers
    }

    /// Delivers `task`'s outcome to `finish`, once. Called before the task is resumed.
    func track(_ task: URLSessionDataTask, finish: @escaping Finish) {
        let id = task.taskIdentifier
        receiving.withLock { $0[id] = Receiving(finish: finish) }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void) {
        if response.expectedContentLength > Int64(maxResponseBytes) {
            end(dataTask, .responseTooLarge(limit: maxResponseBytes))
            completionHandler(.cancel)
        } else {
            completionHandler(.allow)
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let id = dataTask.taskIdentifier
        let outcome = receiving.withLock { tasks -> UpstreamTransportError? in
            guard tasks[id] != nil else { return nil }
            switch answers?.take(data.count, message: tasks[id]!.data.count) {
            case .full?: return .overBudget(limit: answers!.limit)
            case .neverFits?: return .responseTooLarge(limit: answers!.limit)
            case .taken?, nil: break
            }
            tasks[id]!.data.append(data)
            return tasks[id]!.data.count > maxResponseBytes ? .responseTooLarge(limit: maxResponseBytes) : nil
        }
        if let outcome { end(dataTask, outcome) }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let id = task.taskIdentifier
        guard let done = receiving.withLock({ $0.removeValue(forKey: id) }) else { return }
        // The answer's bytes stay counted while the caller holds it (until it is decoded).
        let lease = done.data.isEmpty ? nil : answers.map { $0.lease(done.data.count) }
        done.finish(URLSessionUpstreamClient.result(data: done.data, response: task.response, error: error).map { response in
            var response = response
            response.lease = lease
            return response
        })
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(nil)
    }

    /// Ends the call and lets go of what arrived; the task is cancelled off this (the session's
    /// delegate) queue, as `cancel` waits for the session's own.
    private func end(_ task: URLSessionDataTask, _ error: UpstreamTransportError) {
        let id = task.taskIdentifier
        guard let done = receiving.withLock({ $0.removeValue(forKey: id) }) else { return }
        answers?.release(done.data.count)
        done.finish(.failure(error))
        DispatchQueue.global().async { task.cancel() }
    }
}

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
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
    /// Tasks in flight, by identifier (unique within a session; each session has its own delegate).
    private let receiving = Mutex<[Int: Receiving]>([:])

    init(maxResponseBytes: Int) {
        self.maxResponseBytes = maxResponseBytes
    }

    /// Delivers `task`'s outcome to `finish`, once. Called before the task is resumed.
    func track(_ task: URLSessionDataTask, finish: @escaping Finish) {
        let id = task.taskIdentifier
        receiving.withLock { $0[id] = Receiving(finish: finish) }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void) {
        if response.expectedContentLength > Int64(maxResponseBytes) {
            tooLarge(dataTask)
            completionHandler(.cancel)
        } else {
            completionHandler(.allow)
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let id = dataTask.taskIdentifier
        let over = receiving.withLock { tasks -> Bool in
            guard tasks[id] != nil else { return false }
            tasks[id]!.data.append(data)
            return tasks[id]!.data.count > maxResponseBytes
        }
        if over { tooLarge(dataTask) }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let id = task.taskIdentifier
        guard let done = receiving.withLock({ $0.removeValue(forKey: id) }) else { return }
        done.finish(URLSessionUpstreamClient.result(data: done.data, response: task.response, error: error))
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(nil)
    }

    /// Ends the call and lets go of what arrived; the task is cancelled off this (the session's
    /// delegate) queue, as `cancel` waits for the session's own.
    private func tooLarge(_ task: URLSessionDataTask) {
        let id = task.taskIdentifier
        guard let done = receiving.withLock({ $0.removeValue(forKey: id) }) else { return }
        done.finish(.failure(.responseTooLarge(limit: maxResponseBytes)))
        DispatchQueue.global().async { task.cancel() }
    }
}

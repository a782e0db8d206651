@testable import Connectors
import Foundation
import Synchronization
import Testing

/// An `UpstreamClient` that plays back a script: each `send` takes the next step (a response,
/// a transport error, or "hang until cancelled") and records the request. A call beyond the
/// script is a test failure.
final class ScriptedUpstreamClient: UpstreamClient {
    enum Step: Sendable {
        case respond(UpstreamResponse)
        case fail(UpstreamTransportError)
        /// Never answers; ends with `.cancelled` when the calling task is cancelled.
        case hang
    }

    struct Sent: Sendable {
        var request: UpstreamRequest
        var timeout: Duration
    }

    let host: String
    private struct State {
        var steps: [Step]
        var sent: [Sent] = []
        var hanging: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var cancelledEarly: Set<UInt64> = []
        var lastID: UInt64 = 0
        var callWatchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state: Mutex<State>

    init(host: String = "upstream.test", _ steps: [Step] = []) {
        self.host = host
        state = Mutex(State(steps: steps))
    }

    func enqueue(_ steps: Step...) {
        state.withLock { $0.steps.append(contentsOf: steps) }
    }

    var callCount: Int { state.withLock { $0.sent.count } }
    var sent: [Sent] { state.withLock { $0.sent } }
    /// Steps not played yet.
    var remainingSteps: Int { state.withLock { $0.steps.count } }

    /// Returns once `count` requests have been sent.
    func waitForCalls(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready: Bool = state.withLock { state in
                if state.sent.count >= count { return true }
                state.callWatchers.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    func send(_ request: UpstreamRequest, timeout: Duration) async throws(UpstreamTransportError) -> UpstreamResponse {
        let (step, watchers): (Step?, [CheckedContinuation<Void, Never>]) = state.withLock { state in
            state.sent.append(Sent(request: request, timeout: timeout))
            let ready = state.callWatchers.filter { $0.count <= state.sent.count }.map(\.continuation)
            state.callWatchers.removeAll { $0.count <= state.sent.count }
            return (state.steps.isEmpty ? nil : state.steps.removeFirst(), ready)
        }
        for watcher in watchers { watcher.resume() }
        switch step {
        case nil:
            Issue.record("unexpected upstream call #\(callCount) (\(request.method) \(request.path)): the script is exhausted")
            throw .connectionRefused("script exhausted")
        case .respond(let response)?:
            return response
        case .fail(let error)?:
            throw error
        case .hang?:
            await hangUntilCancelled()
            throw .cancelled
        }
    }

    private func hangUntilCancelled() async {
        let id = state.withLock { state in
            state.lastID += 1
            return state.lastID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let cancelled = state.withLock { state in
                    if state.cancelledEarly.remove(id) != nil { return true }
                    state.hanging[id] = continuation
                    return false
                }
                if cancelled { continuation.resume() }
            }
        } onCancel: {
            let continuation: CheckedContinuation<Void, Never>? = state.withLock { state in
                if let continuation = state.hanging.removeValue(forKey: id) { return continuation }
                state.cancelledEarly.insert(id)
                return nil
            }
            continuation?.resume()
        }
    }
}

extension ScriptedUpstreamClient.Step {
    /// Shorthand for a scripted answer.
    static func status(_ status: Int, headers: [String: String] = [:], body: String = "") -> Self {
        .respond(UpstreamResponse(status: status, headers: headers, body: Data(body.utf8)))
    }
}

extension ScriptedUpstreamClient.Step: CustomTestStringConvertible {
    var testDescription: String {
        switch self {
        case .respond(let response): "HTTP \(response.status)"
        case .fail(let error): "\(error)"
        case .hang: "no answer"
        }
    }
}

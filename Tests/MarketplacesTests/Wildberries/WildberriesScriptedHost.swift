import HTTP
import MarketplaceSimulator
import Synchronization

/// A host that answers each path with the next answer a test queued: for bodies the simulator
/// never sends but Wildberries has been seen to (old error shapes, odd field types).
final class WildberriesScriptedHost: SimulatedHost {
    private let answers = Mutex<[String: [HTTPResponse]]>([:])
    private let seen = Mutex<[SimulatorRequest]>([])

    /// Every request received, in order.
    var requests: [SimulatorRequest] { seen.withLock { $0 } }

    func queue(_ path: String, _ response: HTTPResponse) {
        answers.withLock { $0[path, default: []].append(response) }
    }

    func queue(_ path: String, status: Int = 200, json: String, contentType: String = "application/json") {
        queue(path, HTTPResponse(status: HTTPStatus(status), contentType: contentType, text: json))
    }

    func handle(_ request: SimulatorRequest) async -> HTTPResponse {
        seen.withLock { $0.append(request) }
        return answers.withLock { answers in
            guard var queued = answers[request.path], !queued.isEmpty else {
                return SimulatorResponse.text("nothing queued for \(request.path)", status: 599)
            }
            let next = queued.removeFirst()
            answers[request.path] = queued
            return next
        }
    }

    func faultResponse(_ fault: Fault) -> HTTPResponse {
        SimulatorResponse.empty(status: 500)
    }
}

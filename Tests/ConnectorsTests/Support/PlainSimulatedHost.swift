import HTTP
import MarketplaceSimulator

/// The smallest simulated upstream: every route answers `{"ok": true}`, and injected faults
/// are answered the way most APIs do (a text 5xx, a 429 with `Retry-After`, a 503).
struct PlainSimulatedHost: SimulatedHost {
    func handle(_ request: SimulatorRequest) async -> HTTPResponse {
        SimulatorResponse.json(["ok": true, "path": request.path])
    }

    func faultResponse(_ fault: Fault) -> HTTPResponse {
        switch fault {
        case .rateLimited(let retryAfter):
            SimulatorResponse.json(["code": 8, "message": "rate limit"], status: 429, headers: [("Retry-After", "\(retryAfter)")])
        case .serverError(let status):
            SimulatorResponse.text("upstream failure", status: status)
        default:
            SimulatorResponse.text("down for maintenance", status: 503)
        }
    }
}

import HTTP
import MarketplaceSimulator

/// A host that answers each path with a fixed body: shapes the real Ozon has been seen to send
/// that the simulator does not (numeric 64-bit ids, `has_next: "true"`, unknown fields and enum
/// values, dates with offsets), to check that decoding tolerates them.
struct OzonCannedHost: SimulatedHost {
    /// Path → bodies served in turn (the last one repeats).
    let answers: [String: [String]]
    private let served = OzonRequestCounter()

    init(_ answers: [String: [String]]) {
        self.answers = answers
    }

    /// Requests to `path` answered so far.
    func served(_ path: String) -> Int { served.count(path) }

    func handle(_ request: SimulatorRequest) async -> HTTPResponse {
        guard let bodies = answers[request.path], !bodies.isEmpty else {
            return SimulatorResponse.text("404 page not found", status: 404)
        }
        let index = min(served.next(request.path), bodies.count - 1)
        return HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: Array(bodies[index].utf8))
    }

    func faultResponse(_ fault: Fault) -> HTTPResponse {
        SimulatorResponse.json(["code": 13, "message": "Internal error"], status: 500)
    }
}

import HTTP

extension WildberriesGate {
    /// Checks the token and the rate bucket; a request that passes is answered by `route`, with
    /// `X-Ratelimit-Remaining` as both Wildberries hosts send it on every non-429 answer.
    func answer(_ request: SimulatorRequest, with route: (SimulatorRequest) -> HTTPResponse) -> HTTPResponse {
        switch admit(request) {
        case .refuse(let response):
            return response
        case .pass(let remaining):
            var response = route(request)
            response.headers["X-Ratelimit-Remaining"] = String(remaining)
            return response
        }
    }
}
